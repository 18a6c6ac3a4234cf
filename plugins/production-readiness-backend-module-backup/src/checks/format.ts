import { formatBytes } from '@production-readiness/plugin-production-readiness-common';

export function formatSize(size: number, unit: 'bytes' | 'items'): string {
  return unit === 'bytes' ? formatBytes(size) : `${size} items`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}
