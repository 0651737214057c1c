/**
 * JSON text the way the Visionatrix server (Python, FastAPI) writes it: compact separators, raw
 * UTF-8, and floats always written as floats (`100.0`, not `100`). JavaScript has a single number
 * type, so the fields that the server stores as floats are listed by name here; with that, the
 * emulator's bodies have the same bytes (and `content-length`) as the recorded ones.
 */

/** Keys whose values the server declares as `float`. */
export const FLOAT_KEYS: ReadonlySet<string> = new Set([
	'progress',
	'execution_time',
	'required_memory_gb',
	'reserve_vram',
	'nodes_execution_time',
]);

/**
 * Numbers read from a recording that the server wrote as floats (`45.0`) under keys not listed
 * above: per object, the keys (see `markFloat`).
 */
const floatFields = new WeakMap<object, Set<string>>();

/** `holder[key]` is written as a float, as the server wrote it. */
export function markFloat(holder: object, key: string): void {
	const keys = floatFields.get(holder) ?? new Set<string>();
	floatFields.set(holder, keys.add(key));
}

/** Python's `repr(float)`: shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function pythonFloat(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
	const [mantissa, exponentText] = value.toExponential().split('e');
	const exponent = Number(exponentText);
	const negative = mantissa.startsWith('-');
	const digits = mantissa.replace('-', '').replace('.', '');
	const sign = negative ? '-' : '';
	if (exponent < -4 || exponent >= 16) {
		const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		const exp = Math.abs(exponent).toString().padStart(2, '0');
		return `${sign}${fraction}e${exponent < 0 ? '-' : '+'}${exp}`;
	}
	if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
	const integerDigits = exponent + 1;
	if (digits.length <= integerDigits) return `${sign}${digits.padEnd(integerDigits, '0')}.0`;
	return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
}

function encode(value: unknown, asFloat: boolean): string {
	if (value === null || value === undefined) return 'null';
	switch (typeof value) {
		case 'number':
			if (asFloat) return pythonFloat(value);
			return Number.isFinite(value) ? String(value) : pythonFloat(value);
		case 'boolean':
			return value ? 'true' : 'false';
		case 'string':
			return JSON.stringify(value);
		case 'bigint':
			return value.toString();
		case 'object': {
			if (Array.isArray(value)) return `[${value.map((item) => encode(item, asFloat)).join(',')}]`;
			const parts: string[] = [];
			for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
				if (item === undefined) continue;
				const asFloat = FLOAT_KEYS.has(key) || floatFields.get(value)?.has(key) === true;
				parts.push(`${JSON.stringify(key)}:${encode(item, asFloat)}`);
			}
			return `{${parts.join(',')}}`;
		}
		default:
			return 'null';
	}
}

export function toPythonJson(value: unknown): string {
	return encode(value, false);
}
