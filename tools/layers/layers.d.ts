// Types of layers.js (plain JavaScript so that eslint.config.js can load it).
export declare const ROOT: string
export declare function unitOf(file: string): string
export declare function layerOf(unit: string): number
export declare function layerName(index: number): string
export declare function importProblem(from: string, to: string): string | undefined
export declare const layersPlugin: unknown
