const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A size for people: `1 byte`, `900 bytes`, `1.5 KiB`, `64 MiB`. Binary units (the product's limits are powers of
 * two, and `4 MiB` is then exact), at most one decimal, none when it would be `.0`. Where the exact count matters,
 * a message gives it beside this (`67108864 bytes (64 MiB)`).
 */
export function formatBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  if (bytes < 1024) return `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  // Compared after rounding, so 1048575 bytes reads `1 MiB`, not `1024 KiB`.
  while (roundToTenth(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${roundToTenth(value)} ${BINARY_UNITS[unit]!}`;
}

function roundToTenth(value: number): number {
  return Math.round(value * 10) / 10;
}
