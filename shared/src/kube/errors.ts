/** The HTTP status of a failed API call, whichever shape the client library gave the error. */
export function apiErrorCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown; statusCode?: unknown }).code ?? (e as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The server's own message from a failed API call, else the error's. */
export function apiErrorMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const body = (e as { body?: unknown }).body;
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') return parsed.message;
      } catch {
        return body;
      }
    }
    if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
      return (body as { message: string }).message;
    }
  }
  return e instanceof Error ? e.message : String(e);
}
