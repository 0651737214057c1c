/** `10:02:03 UTC` */
export function clockTime(ms: number): string {
	return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}
