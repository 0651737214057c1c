/**
 * A minimal ZIP writer using the "stored" method (no compression), like Python's `ZipFile` with
 * its default ZIP_STORED, which is what Visionatrix uses for `batch_index=-1` downloads.
 * Archives are limited to 65535 entries and 4 GiB (no ZIP64).
 */
import { crc32 } from './crc32';

export interface ZipEntry {
	name: string;
	data: Uint8Array;
	/** Modification time written to the entry headers; defaults to now. */
	modified?: Date;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20; // 2.0: the lowest version that knows folders and stored entries
const MADE_BY_UNIX = (3 << 8) | VERSION;
const UTF8_NAMES_FLAG = 0x0800;

function dosDateTime(date: Date): { time: number; date: number } {
	const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
	return {
		time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
		date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
	};
}

export function createZip(entries: ZipEntry[]): Buffer {
	if (entries.length > 0xffff) throw new RangeError('Too many ZIP entries');
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		const name = Buffer.from(entry.name, 'utf8');
		const ascii = name.length === entry.name.length;
		const flags = ascii ? 0 : UTF8_NAMES_FLAG;
		const { time, date } = dosDateTime(entry.modified ?? new Date());
		const checksum = crc32(entry.data);
		const size = entry.data.length;
		if (size > 0xffffffff || offset > 0xffffffff) throw new RangeError('ZIP archive too large');

		const local = Buffer.alloc(30);
		local.writeUInt32LE(LOCAL_HEADER, 0);
		local.writeUInt16LE(VERSION, 4);
		local.writeUInt16LE(flags, 6);
		local.writeUInt16LE(0, 8); // stored
		local.writeUInt16LE(time, 10);
		local.writeUInt16LE(date, 12);
		local.writeUInt32LE(checksum, 14);
		local.writeUInt32LE(size, 18); // compressed size
		local.writeUInt32LE(size, 22); // uncompressed size
		local.writeUInt16LE(name.length, 26);
		local.writeUInt16LE(0, 28); // extra field length
		locals.push(local, name, Buffer.from(entry.data.buffer, entry.data.byteOffset, size));

		const central = Buffer.alloc(46);
		central.writeUInt32LE(CENTRAL_HEADER, 0);
		central.writeUInt16LE(MADE_BY_UNIX, 4);
		central.writeUInt16LE(VERSION, 6);
		central.writeUInt16LE(flags, 8);
		central.writeUInt16LE(0, 10);
		central.writeUInt16LE(time, 12);
		central.writeUInt16LE(date, 14);
		central.writeUInt32LE(checksum, 16);
		central.writeUInt32LE(size, 20);
		central.writeUInt32LE(size, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt16LE(0, 30); // extra
		central.writeUInt16LE(0, 32); // comment
		central.writeUInt16LE(0, 34); // disk number
		central.writeUInt16LE(0, 36); // internal attributes
		central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file, rw-r--r--
		central.writeUInt32LE(offset, 42);
		centrals.push(central, name);

		offset += 30 + name.length + size;
	}
	const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
	end.writeUInt16LE(0, 4);
	end.writeUInt16LE(0, 6);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(centralSize, 12);
	end.writeUInt32LE(offset, 16);
	end.writeUInt16LE(0, 20);
	return Buffer.concat([...locals, ...centrals, end]);
}
