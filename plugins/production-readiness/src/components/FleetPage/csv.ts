/** Quotes a CSV field when needed (RFC 4180). */
function field(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Builds CSV text from a header row and data rows. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map(row => row.map(field).join(',')).join('\r\n');
}

/** Makes the browser download `text` as a file. */
export function downloadText(
  filename: string,
  text: string,
  type = 'text/csv',
) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.click();
  URL.revokeObjectURL(url);
}
