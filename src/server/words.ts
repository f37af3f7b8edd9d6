/** Counted nouns in the server's messages: "1 of 3 observations is invalid", "2 NDJSON lines are not JSON". */
export const counted = (n: number, noun: string): string => `${n} ${n === 1 ? noun : `${noun}s`}`;

/** "k of n nouns is" / "are": the verb agrees with k. */
export const someOf = (k: number, n: number, noun: string): string =>
  `${k} of ${counted(n, noun)} ${k === 1 ? 'is' : 'are'}`;
