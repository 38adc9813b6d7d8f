/** `1 user`, `2 users`: refusals list what depends on something in words, not counts alone. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
