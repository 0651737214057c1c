/**
 * Form bodies (multipart/form-data and application/x-www-form-urlencoded), parsed with the
 * platform's WHATWG `Request`.
 */
import { HttpError } from './reply';

export interface FormFile {
	filename: string;
	contentType: string;
	data: Buffer;
}

export type FormEntry = { name: string; value: string } | { name: string; file: FormFile };

export function isFormContentType(contentType: string | undefined): boolean {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	return type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded';
}

/** Parses a form body; entries keep their order. A malformed body answers 400 like Starlette. */
export async function parseForm(contentType: string, body: Buffer): Promise<FormEntry[]> {
	let form: FormData;
	try {
		const request = new Request('http://emulator.invalid/', {
			method: 'PUT',
			headers: { 'content-type': contentType },
			body: new Uint8Array(body),
		});
		form = await request.formData();
	} catch {
		throw HttpError.detail(400, 'There was an error parsing the body');
	}
	const parts: Array<[string, FormDataEntryValue]> = [];
	form.forEach((value, name) => parts.push([name, value]));
	const entries: FormEntry[] = [];
	for (const [name, value] of parts) {
		if (typeof value === 'string') {
			entries.push({ name, value });
		} else {
			entries.push({
				name,
				file: {
					filename: value.name,
					contentType: value.type || 'application/octet-stream',
					data: Buffer.from(await value.arrayBuffer()),
				},
			});
		}
	}
	return entries;
}

/**
 * Like iterating Starlette's form: each name once, in order of first appearance, with the value
 * of its last entry.
 */
export function lastEntries(entries: readonly FormEntry[]): Map<string, FormEntry> {
	const map = new Map<string, FormEntry>();
	for (const entry of entries) map.set(entry.name, entry);
	return map;
}
