/**
 * Request validation with FastAPI/pydantic's 422 answers:
 * `{"detail":[{"type","loc","msg","input","ctx"?}]}`.
 */
import { HttpError, detailReply } from './reply';

export type Location = 'path' | 'query' | 'body';

export interface ValidationIssue {
	type: string;
	loc: Array<string | number>;
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
}

export interface IntRules {
	ge?: number;
	le?: number;
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** Collects issues for several fields, then throws them all at once. */
export class Validator {
	readonly issues: ValidationIssue[] = [];

	missing(location: Location, name: string): void {
		this.issues.push({
			type: 'missing',
			loc: [location, name],
			msg: 'Field required',
			input: null,
		});
	}

	/** Parses an integer given as text (form, query, path) or as a JSON number (body). */
	int(location: Location, name: string, raw: unknown, rules: IntRules = {}): number | undefined {
		let value: number | undefined;
		if (typeof raw === 'number' && Number.isInteger(raw)) value = raw;
		else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) value = Number(raw.trim());
		if (value === undefined) {
			this.issues.push(
				typeof raw === 'string'
					? {
							type: 'int_parsing',
							loc: [location, name],
							msg: 'Input should be a valid integer, unable to parse string as an integer',
							input: raw,
						}
					: {
							type: 'int_type',
							loc: [location, name],
							msg: 'Input should be a valid integer',
							input: raw ?? null,
						},
			);
			return undefined;
		}
		if (rules.ge !== undefined && value < rules.ge) {
			this.issues.push({
				type: 'greater_than_equal',
				loc: [location, name],
				msg: `Input should be greater than or equal to ${rules.ge}`,
				input: raw,
				ctx: { ge: rules.ge },
			});
			return undefined;
		}
		if (rules.le !== undefined && value > rules.le) {
			this.issues.push({
				type: 'less_than_equal',
				loc: [location, name],
				msg: `Input should be less than or equal to ${rules.le}`,
				input: raw,
				ctx: { le: rules.le },
			});
			return undefined;
		}
		return value;
	}

	bool(location: Location, name: string, raw: string): boolean | undefined {
		const word = raw.trim().toLowerCase();
		if (TRUE_WORDS.has(word)) return true;
		if (FALSE_WORDS.has(word)) return false;
		this.issues.push({
			type: 'bool_parsing',
			loc: [location, name],
			msg: 'Input should be a valid boolean, unable to interpret input',
			input: raw,
		});
		return undefined;
	}

	throwIfInvalid(): void {
		if (this.issues.length > 0) throw new HttpError(detailReply(422, this.issues));
	}
}

/** Required integer query parameter (422 `missing` / `int_parsing`). */
export function queryInt(query: Record<string, string>, name: string, fallback?: number): number {
	const validator = new Validator();
	let value: number | undefined = fallback;
	if (query[name] === undefined) {
		if (fallback === undefined) validator.missing('query', name);
	} else {
		value = validator.int('query', name, query[name]);
	}
	validator.throwIfInvalid();
	return value!;
}

export function pathInt(name: string, raw: string): number {
	const validator = new Validator();
	const value = validator.int('path', name, raw);
	validator.throwIfInvalid();
	return value!;
}

export function queryBool(query: Record<string, string>, name: string, fallback: boolean): boolean {
	if (query[name] === undefined) return fallback;
	const validator = new Validator();
	const value = validator.bool('query', name, query[name]);
	validator.throwIfInvalid();
	return value!;
}
