export type LibName = 'calendar' | 'contracts' | 'security' | 'handoffs' | 'units' | 'config' | 'bus' | 'client' | 'persistence' | 'deadlines' | 'http' | 'observability';
export const LIB_DEPENDENCIES: Readonly<Record<LibName, readonly LibName[]>>;
export const WRONG_WAY_EDGES: readonly (readonly [LibName, LibName])[];
export const LIBS: readonly LibName[];
export function forbiddenImportsOf(lib: LibName): LibName[];
