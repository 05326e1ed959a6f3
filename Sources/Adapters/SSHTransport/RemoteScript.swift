/// The fixed POSIX `sh` scripts run on the remote side. They are constants: user data (paths, suffixes,
/// argv) only ever arrives as positional parameters, each shell-quoted into one word of the command line that
/// OpenSSH hands to the remote login shell: `/bin/sh -c '<script>' sh '<arg1>' '<arg2>' ...`.
enum RemoteScript {
    /// `$1` path, `$2` largest size accepted. Exit 0 with the bytes on stdout, `missingStatus` when the file
    /// (or a directory on its path) does not exist, `tooLargeStatus` (size on stderr) above the limit, anything
    /// else with the reason on stderr (permission denied, a directory, ...).
    static let read = #"""
        LC_ALL=C; export LC_ALL
        p=$1
        if [ ! -e "$p" ]; then
          if err=$(cat -- "$p" 2>&1 >/dev/null); then
            printf '%s appeared while it was being read; try again\n' "$p" >&2; exit 1
          fi
          case $err in
            *"No such file or directory"*|*"Not a directory"*) exit 44 ;;
          esac
          printf '%s\n' "$err" >&2; exit 1
        fi
        if [ -d "$p" ]; then printf '%s is a directory\n' "$p" >&2; exit 1; fi
        size=$(wc -c < "$p") || exit 1
        if [ $((size)) -gt $(($2)) ]; then printf '%s\n' $((size)) >&2; exit 45; fi
        exec cat -- "$p"
        """#

    static let missingStatus: Int32 = 44
    static let tooLargeStatus: Int32 = 45

    /// `$1` path, `$2` backup suffix, `$3` the number of bytes that stdin must carry. Atomic replace in the
    /// file's directory: temp file, check the byte count (a dropped connection cannot install a truncated
    /// file), mode and owner copied from the existing file (owner only where permitted when not root), fsync,
    /// backup `cp -p`, rename, fsync of the directory. A symlink is followed, so the link stays and its target
    /// is replaced. Prints `backup <path>` or `new`. On any failure the temp file is removed and nothing else
    /// has changed, except possibly a refreshed backup.
    static let write = #"""
        LC_ALL=C; export LC_ALL
        p=$1; suffix=$2; want=$3
        if [ -L "$p" ]; then
          t=$(readlink -f -- "$p") || { printf 'cannot resolve the symlink %s\n' "$p" >&2; exit 1; }
          p=$t
        fi
        case $p in
          */) printf '%s names a directory\n' "$p" >&2; exit 1 ;;
          */*) d=${p%/*}; b=${p##*/}; [ -n "$d" ] || d=/ ;;
          *) d=.; b=$p ;;
        esac
        if [ ! -d "$d" ]; then printf 'directory %s does not exist\n' "$d" >&2; exit 1; fi
        if [ -d "$p" ]; then printf '%s is a directory\n' "$p" >&2; exit 1; fi
        tmp=$(mktemp "$d/.$b.tmp.XXXXXX") || exit 1
        trap 'rm -f -- "$tmp"' EXIT
        trap 'exit 1' HUP INT TERM PIPE
        cat > "$tmp" || exit 1
        got=$(wc -c < "$tmp") || exit 1
        if [ $((got)) -ne $((want)) ]; then
          printf 'received %s of %s bytes; %s was not changed\n' $((got)) $((want)) "$p" >&2; exit 1
        fi
        if [ -e "$p" ]; then
          chmod --reference="$p" -- "$tmp" || exit 1
          if [ "$(id -u)" = 0 ]; then
            chown --reference="$p" -- "$tmp" || exit 1
          else
            chown --reference="$p" -- "$tmp" 2>/dev/null || :
          fi
          existed=1
        else
          m=$(umask)
          chmod "$(printf '%o' $((0666 & ~m)))" -- "$tmp" || exit 1
          existed=0
        fi
        sync -- "$tmp" 2>/dev/null || sync
        if [ "$existed" = 1 ]; then cp -p -- "$p" "$p$suffix" || exit 1; fi
        mv -f -- "$tmp" "$p" || exit 1
        trap - EXIT
        sync -- "$d" 2>/dev/null || sync
        if [ "$existed" = 1 ]; then printf 'backup %s' "$p$suffix"; else printf 'new'; fi
        """#

    /// Runs its arguments as the command, verbatim.
    static let run = #"exec "$@""#

    /// The single remote command string for `script` with `arguments`.
    static func command(_ script: String, _ arguments: [String]) -> String {
        (["/bin/sh", "-c", OpenSSHRemoteHost.shellQuote(script), "sh"] + arguments.map(OpenSSHRemoteHost.shellQuote)).joined(separator: " ")
    }
}
