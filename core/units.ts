// Byte sizes as people read them, shared by the timeline formatters, verdicts, build table and CLI.
export const MiB = 1 << 20;

/** `512 B`, `12.3 KiB`, `4.5 MiB` */
export const bytes = (b: number): string =>
  b < 1024 ? `${b} B` : b < MiB ? `${(b / 1024).toFixed(1)} KiB` : `${(b / MiB).toFixed(1)} MiB`;

/** Always in MiB: `0.4 MiB`, `20.1 MiB` */
export const mib = (b: number): string => `${(b / MiB).toFixed(1)} MiB`;
