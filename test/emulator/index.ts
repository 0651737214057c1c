/** An emulated Visionatrix server for tests and demos. */
export { startEmulator, DEFAULT_TASK_DURATION_MS } from './emulator';
export { startProxy, type ProxyOptions, type ReverseProxy } from './proxy';
export {
	builtInFlows,
	SDXL_LIGHTING,
	REMOVE_BACKGROUND_BIREFNET,
	ASK_AI_INTERNAL,
	STABLE_AUDIO_OPEN,
	LTXV_TXT2VIDEO,
} from './flows';
export {
	loadPublishedFlows,
	publishedOrBuiltInFlows,
	PUBLISHED_CATALOG_FILE,
} from './publishedCatalog';
export { recordingsDir, DEFAULT_RECORDINGS } from './recordings';
export { DEFAULT_FAILURE_MESSAGE } from './workers';
export { DEFAULT_USERS } from './users';
export { Faults, injectFaults, proxyErrorPage, ROUTES, seededRandom } from './faults';
export type {
	FaultHandle,
	FaultScope,
	FaultedRequest,
	PathPattern,
	RandomFaultKind,
	RandomFaultOptions,
} from './faults';
export { encodePng, decodePng, readPngHeader, isPng, PngFormatError } from './media/png';
export type { RgbaImage, DecodedPng, PngHeader, EncodePngOptions } from './media/png';
export { createZip } from './media/zip';
export { encodeWebm, WEBM_FRAME_SIDE } from './media/webm';
export { encodeGlb } from './media/glb';
export type * from './types';
