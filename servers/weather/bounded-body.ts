/**
 * Reading an HTTP answer whole, but never more than a limit: memory is then bounded by the limit, not by what a
 * provider chooses to send. A body is read as a stream and counted while it arrives; the count is of the bytes fetch
 * hands over, which are the decoded ones when the answer is compressed, so a gzip bomb stops a little past the limit.
 */

/** Content codings fetch (undici) decodes itself: only then is the counted body the decompressed one. */
const DECODED_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * An answer larger than the limit, refused on its Content-Length (`announcedBytes`) or stopped while reading.
 * Local: the caller turns it into a message for the model.
 */
export class ResponseTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    /** The Content-Length that was over the limit; undefined when the count passed it while reading. */
    readonly announcedBytes: number | undefined,
    /** The codings fetch decoded (`gzip`), when the body was compressed; the count was after decoding. */
    readonly decodedCodings: string | undefined,
  ) {
    super(
      announcedBytes === undefined
        ? `answer passed the limit of ${limitBytes} bytes`
        : `answer announces ${announcedBytes} bytes, more than the limit of ${limitBytes} bytes`,
    );
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * The body of `response`, at most `limitBytes` of it. A Content-Length over the limit is refused before any byte is
 * read; otherwise the body is read chunk by chunk and, as soon as the count passes the limit, the stream is cancelled,
 * which makes fetch close the connection (nothing more is received, decoded or kept).
 *
 * A Content-Length counts the bytes on the wire, compressed ones included: a compressed body over the limit is
 * refused too, as its decoded form is (all but) never smaller.
 *
 * @throws ResponseTooLargeError when the body is over the limit; whatever reading throws (the request's signal
 * aborted, the connection lost) is rethrown as is.
 */
export async function readBoundedBody(response: Response, limitBytes: number): Promise<Buffer> {
  const decodedCodings = decodedCodingsOf(response.headers.get('content-encoding'));
  const announced = response.headers.get('content-length')?.trim();
  if (announced && /^\d+$/.test(announced) && Number(announced) > limitBytes) {
    cancelQuietly(response.body);
    throw new ResponseTooLargeError(limitBytes, Number(announced), decodedCodings);
  }
  if (!response.body) return Buffer.alloc(0);
  // fetch's body is typed as a stream of anything; it is a stream of bytes.
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let receivedBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    receivedBytes += value.byteLength;
    if (receivedBytes > limitBytes) {
      // Not awaited: cancelling settles once the connection is torn down, and nothing here depends on that.
      reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(limitBytes, undefined, decodedCodings);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, receivedBytes);
}

function cancelQuietly(body: ReadableStream<Uint8Array> | null): void {
  body?.cancel().catch(() => undefined);
}

/**
 * `gzip` for `Content-Encoding: gzip`, when every coding named is one fetch decodes; otherwise undefined (fetch then
 * hands over the bytes as they came). The header is the provider's text: only known tokens are ever repeated.
 */
function decodedCodingsOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0 || codings.length > 3 || !codings.every((coding) => DECODED_CODINGS.has(coding))) {
    return undefined;
  }
  return codings.join(', ');
}
