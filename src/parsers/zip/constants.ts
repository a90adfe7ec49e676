/** Record signatures and layout sizes from APPNOTE.TXT, named as miniz and CPython name them. */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EXTRA_ID = 0x0001;

/** The EOCD comment is at most 65535 bytes, so the record sits in the last 64 KiB + 22 bytes. */
export const EOCD_SEARCH_WINDOW = 0xffff + EOCD_SIZE;

export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;

export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_COMPRESSED_PATCH = 0x0020;
export const FLAG_STRONG_ENCRYPTION = 0x0040;
export const FLAG_UTF8 = 0x0800;
export const FLAG_MASKED_LOCAL_HEADERS = 0x2000;

/** Flag bits on which PyTorch's miniz and Python's zipfile behave differently (CVE-2025-1945 family). */
export const DIVERGENT_FLAGS = FLAG_ENCRYPTED | FLAG_COMPRESSED_PATCH | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_LOCAL_HEADERS;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

/** Made-by host 3 is Unix: only then do the high 16 bits of the external attributes hold st_mode. */
export const HOST_UNIX = 3;
export const S_IFMT = 0o170000;
export const S_IFLNK = 0o120000;
export const DOS_DIRECTORY_ATTRIBUTE = 0x10;

export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_MAX_MEMBER_BYTES = 64 * 1024 * 1024;
