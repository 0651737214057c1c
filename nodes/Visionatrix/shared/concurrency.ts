/** How many requests (downloads, reads) of one run go at once, unless the operation says otherwise. */
export const DEFAULT_CONCURRENCY = 4;

/** Runs `work` over `inputs` with at most `limit` at a time; results keep the order of `inputs`. */
export async function mapWithConcurrency<T, R>(
	inputs: readonly T[],
	limit: number,
	work: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await work(inputs[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker);
	await Promise.all(workers);
	return results;
}

/** A gate that lets at most `limit` pieces of work run at once, in the order they arrive. */
export function concurrencyLimit(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
	let running = 0;
	const queued: Array<() => void> = [];
	return async <T>(work: () => Promise<T>): Promise<T> => {
		while (running >= Math.max(1, limit))
			await new Promise<void>((resolve) => queued.push(resolve));
		running++;
		try {
			return await work();
		} finally {
			running--;
			queued.shift()?.();
		}
	};
}
