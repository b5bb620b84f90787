// Reading curl's output when it made one or more transfers: each transfer's body followed by the
// write-out below, so bodies and outcomes can be told apart whatever the bodies hold.

export interface ClientResponse {
  /** HTTP status; 0 when no answer came (connection refused, timeout, ...). */
  status: number;
  body: string;
  elapsedMs: number;
  /** curl's error message when the transfer failed. */
  error?: string;
}

// ASCII record (RS) and unit (US) separators cannot appear in the lab responders' bodies.
const RS = '\x1e';
const US = '\x1f';

/** curl's `-w` format: after each body, RS, then status, time, exit code and error message, then US. */
export const CURL_WRITE_OUT = `${RS}%{http_code} %{time_total} %{exitcode} %{errormsg}${US}`;

export function parseCurlTransfers(stdout: string, stderr = ''): ClientResponse[] {
  const chunks = stdout.split(US);
  chunks.pop();
  return chunks.map((chunk, i) => {
    const cut = chunk.lastIndexOf(RS);
    if (cut < 0) throw new Error(`curl output: transfer ${i + 1} lacks its write-out: ${JSON.stringify(chunk.slice(0, 200))}`);
    const [code = '', time = '', exit = '', ...message] = chunk.slice(cut + 1).split(' ');
    const response: ClientResponse = { status: Number(code) || 0, body: chunk.slice(0, cut), elapsedMs: Number(time) * 1000 };
    if (exit !== '0') response.error = message.join(' ') || stderr.trim() || `curl exit ${exit}`;
    return response;
  });
}
