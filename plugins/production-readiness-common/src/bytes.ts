/**
 * Bytes for summaries: `0 B`, `429 B`, `2.9 MiB`.
 *
 * @public
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0
    ? `${value} B`
    : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
