export const BEGIN: string;
export const END: string;
export function libGraphMermaid(): string;
export function withGraph(page: string): string;
