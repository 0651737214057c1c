/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as used by PNG chunks and ZIP entries.
 */

const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let bit = 0; bit < 8; bit++) {
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		}
		table[n] = c >>> 0;
	}
	return table;
})();

/**
 * Computes the CRC-32 of `data`. Pass the result of a previous call as `previous` to continue a
 * running checksum over several buffers.
 */
export function crc32(data: Uint8Array, previous = 0): number {
	let crc = (previous ^ 0xffffffff) >>> 0;
	for (let i = 0; i < data.length; i++) {
		crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
	}
	return (crc ^ 0xffffffff) >>> 0;
}
