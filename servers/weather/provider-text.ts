/**
 * Text a provider wrote (an error `reason`, a status text) on its way into a tool result, which a model reads: it
 * is cut short, cleaned of control characters and quoted, so it can neither flood the result nor pass for our words.
 */

/** Enough for any real error reason (Open-Meteo's are one sentence), too little to carry a payload. @default 300 */
export const PROVIDER_TEXT_MAX_CHARS = 300;

/**
 * Runs of control and format characters (C0, C1, DEL, bidi overrides, zero-width marks) and of whitespace, line and
 * paragraph separators included: each becomes one space, so no escape sequence, fake line or hidden text survives.
 */
const UNPRINTABLE_RUN = /[\p{Cc}\p{Cf}\p{Z}\s]+/gu;

/**
 * `text` cleaned and cut to `maxChars` characters (code points), as a JSON string literal (`"…"`), so that a quote in
 * it cannot end the quotation early; a cut text ends in `…` and is followed by `(cut from N characters)`, N being
 * the length as received.
 */
export function quoteProviderText(text: string, maxChars: number = PROVIDER_TEXT_MAX_CHARS): string {
  const clean = text.replace(UNPRINTABLE_RUN, ' ').trim();
  let kept = '';
  let count = 0;
  for (const character of clean) {
    if (count === maxChars) {
      return `${JSON.stringify(`${kept}…`)} (cut from ${text.length} characters)`;
    }
    kept += character;
    count += 1;
  }
  return JSON.stringify(kept);
}
