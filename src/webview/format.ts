// Text forms of times and sizes shown in the list and the detail pane.

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Local wall-clock time with microseconds: 14:03:27.123456. */
export function formatTime(timeMs: number): string {
  const date = new Date(Math.floor(timeMs));
  const micros = Math.floor((timeMs - Math.floor(timeMs / 1000) * 1000) * 1000);
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(micros, 6)}`;
}

/** Local date and time, for the detail header. */
export function formatDateTime(timeMs: number): string {
  const date = new Date(Math.floor(timeMs));
  return `${date.getFullYear()}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)} ${formatTime(timeMs)}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
