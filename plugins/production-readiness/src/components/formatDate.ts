/** An ISO 8601 instant as the tab shows it: `2 Dec 2026, 19:40`. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
