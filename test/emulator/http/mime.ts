/** Content types by file extension, as Python's `mimetypes` (used by Starlette) gives them. */

const TYPES: Record<string, string> = {
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.webp': 'image/webp',
	'.bmp': 'image/bmp',
	'.tif': 'image/tiff',
	'.tiff': 'image/tiff',
	'.svg': 'image/svg+xml',
	'.avif': 'image/avif',
	'.mp4': 'video/mp4',
	'.webm': 'video/webm',
	'.mov': 'video/quicktime',
	'.mkv': 'video/x-matroska',
	'.mp3': 'audio/mpeg',
	'.flac': 'audio/flac',
	'.wav': 'audio/x-wav',
	'.txt': 'text/plain',
	'.json': 'application/json',
	'.zip': 'application/zip',
	'.glb': 'model/gltf-binary',
	'.gltf': 'model/gltf+json',
};

export function extensionOf(fileName: string): string {
	const base = fileName.slice(fileName.lastIndexOf('/') + 1);
	const dot = base.lastIndexOf('.');
	return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The `content-type` a file response gets; text types carry `charset=utf-8` like Starlette's. */
export function contentTypeFor(fileName: string): string {
	const type = TYPES[extensionOf(fileName)] ?? 'application/octet-stream';
	return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}
