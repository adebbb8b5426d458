/** One structured log line (JSON), searchable with CloudWatch Logs Insights. ERROR lines go to stderr. */
export function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields }, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  if (level === 'ERROR') {
    console.error(line);
  } else {
    console.log(line);
  }
}

/** `Name: message` of an error (just the message for a plain `Error`). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; message?: string };
    return [e.name === 'Error' && e.message ? undefined : e.name, e.message].filter(Boolean).join(': ') || String(err);
  }
  return String(err);
}
