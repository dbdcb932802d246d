/** Short, plain reasons for file-system errors, for diagnostics. */
export function errnoReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "it does not exist";
    case "ENOTDIR":
      return "a path component is a file, not a directory";
    case "EISDIR":
      return "it is a directory";
    case "EEXIST":
      return "something else is already there";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    case "ENAMETOOLONG":
      return "the name is too long";
    default:
      return e.code ?? (error instanceof Error ? error.message : String(error));
  }
}
