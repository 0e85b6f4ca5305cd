/* thumbing-rle-deflate.c: a zlib stream whose only matches are runs of one byte, for PNG rows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A photograph's thumbnail, filtered row by row, is small residuals with
 * runs of zeros where the picture is flat. Searching for matches further
 * back rarely pays there: zlib's Z_RLE strategy, which codes only runs (a
 * match at distance one), made Debian's wallpaper thumbnails 4.5% smaller
 * than libdeflate at level 1, whose search was a tenth of the daemon's
 * time. This is that strategy written for speed: each block of the input
 * is scanned once for runs while its symbols are counted, then written
 * with a dynamic Huffman code (RFC 1951), or stored where that is smaller,
 * inside a zlib wrapper (RFC 1950).
 */
#include "config.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libdeflate.h>

#include "thumbing-rle-deflate.h"

/* Symbols (literals and runs) a block codes with one Huffman code: fewer
 * adapt to the picture's parts, more spread each header's cost. 16384 made
 * the smallest thumbnails of 4096 to 65536 (bench/real.py's photographs). */
#define BLOCK_SYMBOLS 16384

#define MIN_RUN         3
#define MAX_RUN         258
#define END_OF_BLOCK    256
#define LITLEN_SYMBOLS  286
#define DISTANCE_SYMBOLS 30
#define LENGTH_SYMBOLS  19
#define MAX_CODE_BITS   15
#define MAX_LENGTH_BITS 7
#define STORED_MAX      65535

/* Where a block's symbols are: @literals bytes as they are, then a run of
 * @run copies of the byte before (none in a block's last piece). */
typedef struct
{
  guint32 literals;
  guint32 run;
} Piece;

typedef struct
{
  guint32 litlen_count[LITLEN_SYMBOLS];
  guint32 distance_count[DISTANCE_SYMBOLS];
  guint8  litlen_bits[LITLEN_SYMBOLS];
  guint8  distance_bits[DISTANCE_SYMBOLS];
  guint16 litlen_code[LITLEN_SYMBOLS];
  guint16 distance_code[DISTANCE_SYMBOLS];
  Piece  *pieces;
  gsize   n_pieces;
} Block;

/* An LSB-first bit writer: bits are added to @bits, then flushed a whole
 * word at a time, the bytes complete written. Adding at most 56 bits
 * between flushes keeps them within the word. A flush past @capacity
 * sets @overflow and is dropped, so a wrong bound can only fail the
 * stream, never the heap. */
typedef struct
{
  guint8  *out;
  gsize    at;
  gsize    capacity;
  guint64  bits;
  int      n_bits;
  gboolean overflow;
} Bits;

static inline void
add_bits (Bits   *b,
          guint32 value,
          int     count)
{
  b->bits |= (guint64) value << b->n_bits;
  b->n_bits += count;
}

static inline void
flush_bits (Bits *b)
{
  guint64 word = GUINT64_TO_LE (b->bits);

  if (G_LIKELY (b->at + 8 <= b->capacity))
    memcpy (b->out + b->at, &word, 8);
  else
    b->overflow = TRUE;
  b->at += b->n_bits >> 3;
  b->bits >>= b->n_bits & ~7;
  b->n_bits &= 7;
}

static inline void
put_bits (Bits   *b,
          guint32 value,
          int     count)
{
  add_bits (b, value, count);
  flush_bits (b);
}

/* Pads to a byte boundary with zeros and writes out what is pending. */
static void
align_bits (Bits *b)
{
  b->n_bits = (b->n_bits + 7) & ~7;
  flush_bits (b);
}

static void
put_bytes (Bits         *b,
           const guint8 *data,
           gsize         length)
{
  if (b->at + length <= b->capacity)
    memcpy (b->out + b->at, data, length);
  else
    b->overflow = TRUE;
  b->at += length;
}

/* The first length each length symbol (257 to 285) codes, and its extra bits. */
static const guint16 length_base[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const guint8 length_extra[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };

/* The symbol of each run length, and each symbol's extra bits. */
static void
length_symbols (guint16 symbol[MAX_RUN + 1],
                guint8  extra_bits[LITLEN_SYMBOLS])
{
  const int n = G_N_ELEMENTS (length_base);

  for (int s = 0; s < n; s++)
    {
      extra_bits[257 + s] = length_extra[s];
      for (int length = length_base[s]; length <= MAX_RUN && (s + 1 == n || length < length_base[s + 1]); length++)
        symbol[length] = 257 + s;
    }
}

/* How many bytes from @p on equal @byte, at most @limit. */
static inline gsize
run_length (const guint8 *p,
            guint8        byte,
            gsize         limit)
{
  const guint64 pattern = 0x0101010101010101ull * byte;
  gsize n = 0;

  while (n + 8 <= limit)
    {
      guint64 word;

      memcpy (&word, p + n, 8);
      word ^= pattern;
      if (word != 0)
        return n + (G_BYTE_ORDER == G_LITTLE_ENDIAN ? __builtin_ctzll (word) : __builtin_clzll (word)) / 8;
      n += 8;
    }
  while (n < limit && p[n] == byte)
    n++;
  return n;
}

/* Where the first run of at least MIN_RUN can start from @i on, at most
 * @limit: a byte equal to the one before and to the two after. Photographs'
 * rows have few, so sixteen places are ruled out at a time. */
static inline gsize
next_run (const guint8 *data,
          gsize         i,
          gsize         limit)
{
#ifdef __SSE2__
  for (; i + 2 + 16 <= limit; i += 16)
    {
      __m128i before = _mm_loadu_si128 ((const __m128i *) (data + i - 1));
      __m128i here = _mm_loadu_si128 ((const __m128i *) (data + i));
      __m128i after = _mm_loadu_si128 ((const __m128i *) (data + i + 1));
      __m128i next = _mm_loadu_si128 ((const __m128i *) (data + i + 2));
      int starts = _mm_movemask_epi8 (_mm_and_si128 (_mm_and_si128 (_mm_cmpeq_epi8 (here, before),
                                                                    _mm_cmpeq_epi8 (after, here)),
                                                     _mm_cmpeq_epi8 (next, after)));

      if (starts != 0)
        return i + __builtin_ctz ((unsigned) starts);
    }
#endif
  for (; i + 2 < limit; i++)
    if (data[i] == data[i - 1] && data[i + 1] == data[i] && data[i + 2] == data[i])
      return i;
  return limit;
}

/* Counts the literals @data[@from] to @data[@to - 1], in four tables so
 * repeated bytes do not wait on each other's increments. */
static void
count_literals (const guint8 *data,
                gsize         from,
                gsize         to,
                guint32       counts[4][256])
{
  gsize k = from;

  for (; k + 4 <= to; k += 4)
    {
      counts[0][data[k]]++;
      counts[1][data[k + 1]]++;
      counts[2][data[k + 2]]++;
      counts[3][data[k + 3]]++;
    }
  for (; k < to; k++)
    counts[0][data[k]]++;
}

/* Splits the input from @start into pieces until the block has about
 * BLOCK_SYMBOLS symbols or the input ends, counting its symbols; returns
 * where the block ends. A run needs the byte before, so a stream's first
 * byte is always a literal; runs reach back across blocks, as deflate's
 * 32 KiB window allows. */
static gsize
scan_block (const guint8  *data,
            gsize          length,
            gsize          start,
            const guint16 *run_symbol,
            Block         *block)
{
  guint32 counts[4][256] = { { 0 } };
  gsize i = start, from = start, symbols = 0;

  memset (block->litlen_count, 0, sizeof block->litlen_count);
  memset (block->distance_count, 0, sizeof block->distance_count);
  block->n_pieces = 0;
  if (i == 0 && length > 0)
    i = 1, symbols = 1;
  while (i < length && symbols < BLOCK_SYMBOLS)
    {
      /* Literals up to the next run, or to the block's end. */
      gsize limit = MIN (length, i + (BLOCK_SYMBOLS - symbols));
      gsize at = next_run (data, i, limit), run;

      symbols += at - i;
      i = at;
      if (i >= limit)
        break;
      run = MIN_RUN + run_length (data + i + MIN_RUN, data[i], MIN (length - i, MAX_RUN) - MIN_RUN);
      block->pieces[block->n_pieces++] = (Piece) { (guint32) (i - from), (guint32) run };
      block->litlen_count[run_symbol[run]]++;
      block->distance_count[0]++;
      count_literals (data, from, i, counts);
      symbols++;
      i += run;
      from = i;
    }
  block->pieces[block->n_pieces++] = (Piece) { (guint32) (i - from), 0 };
  count_literals (data, from, i, counts);
  for (int c = 0; c < 256; c++)
    block->litlen_count[c] += counts[0][c] + counts[1][c] + counts[2][c] + counts[3][c];
  block->litlen_count[END_OF_BLOCK] = 1;
  return i;
}

/* Sorts @n symbols by count, then symbol: a radix sort of a byte of
 * count a pass, as many passes as the largest count needs. */
static void
sort_by_count (const guint32 *count,
               guint16       *symbols,
               int            n)
{
  guint16 other[LITLEN_SYMBOLS];
  guint16 *from = symbols, *to = other;
  guint32 largest = 0;

  for (int i = 0; i < n; i++)
    largest = MAX (largest, count[symbols[i]]);
  for (int shift = 0; shift < 32 && (largest >> shift) > 0; shift += 8)
    {
      guint32 starts[256] = { 0 };
      guint32 total = 0;

      for (int i = 0; i < n; i++)
        starts[(count[from[i]] >> shift) & 255]++;
      for (int d = 0; d < 256; d++)
        {
          guint32 c = starts[d];

          starts[d] = total;
          total += c;
        }
      for (int i = 0; i < n; i++)
        to[starts[(count[from[i]] >> shift) & 255]++] = from[i];
      from = to;
      to = from == other ? symbols : other;
    }
  if (from != symbols)
    memcpy (symbols, from, sizeof (guint16) * n);
}

/* Code lengths of a minimum-redundancy code for @weight's @n values,
 * sorted ascending, computed in place (Moffat and Katajainen's method):
 * on return @weight[i] is value i's length, the lengths non-increasing. */
static void
minimum_redundancy (guint32 *weight,
                    int      n)
{
  int root = 0, leaf = 2, next;
  int available = 1, used = 0, depth = 0;

  /* Pair the two lightest trees, left to right, leaving parent indices. */
  weight[0] += weight[1];
  for (next = 1; next < n - 1; next++)
    {
      if (leaf >= n || weight[root] < weight[leaf])
        {
          weight[next] = weight[root];
          weight[root++] = next;
        }
      else
        weight[next] = weight[leaf++];
      if (leaf >= n || (root < next && weight[root] < weight[leaf]))
        {
          weight[next] += weight[root];
          weight[root++] = next;
        }
      else
        weight[next] += weight[leaf++];
    }
  /* Depths of the internal nodes, right to left. */
  weight[n - 2] = 0;
  for (next = n - 3; next >= 0; next--)
    weight[next] = weight[weight[next]] + 1;
  /* Depths of the leaves, from the nodes available at each depth. */
  root = n - 2;
  next = n - 1;
  while (available > 0)
    {
      while (root >= 0 && (int) weight[root] == depth)
        {
          used++;
          root--;
        }
      while (available > used)
        {
          weight[next--] = depth;
          available--;
        }
      available = 2 * used;
      depth++;
      used = 0;
    }
}

/* Lengths of a Huffman code of at most @limit bits for @count's @n
 * symbols, a complete code: at least two symbols get one, as inflaters
 * expect of every alphabet. */
static void
build_lengths (const guint32 *count,
               int            n,
               int            limit,
               guint8        *bits)
{
  guint16 symbols[LITLEN_SYMBOLS];
  guint32 weight[LITLEN_SYMBOLS];
  int per_length[32] = { 0 };
  int used = 0;
  guint32 kraft = 0;

  memset (bits, 0, n);
  for (int s = 0; s < n; s++)
    if (count[s] > 0)
      symbols[used++] = s;
  if (used < 2)
    {
      /* One symbol, or none: it and another get one bit each. */
      int first = used == 1 ? symbols[0] : 0;

      bits[first] = 1;
      bits[first == 0 ? 1 : 0] = 1;
      return;
    }
  sort_by_count (count, symbols, used);
  for (int i = 0; i < used; i++)
    weight[i] = count[symbols[i]];
  minimum_redundancy (weight, used);
  for (int i = 0; i < used; i++)
    per_length[MIN ((int) weight[i], limit)]++;
  /* Codes cut down to @limit overfill the code space; each step drops a
   * code at @limit and splits a shorter one into two a bit longer, one
   * unit less, until the space is exactly full again. */
  for (int length = 1; length <= limit; length++)
    kraft += (guint32) per_length[length] << (limit - length);
  while (kraft > (1u << limit))
    {
      per_length[limit]--;
      for (int length = limit - 1; length > 0; length--)
        if (per_length[length] > 0)
          {
            per_length[length]--;
            per_length[length + 1] += 2;
            break;
          }
      kraft--;
    }
  /* The rarest symbols take the longest codes. */
  for (int length = limit, i = 0; length > 0; length--)
    for (int k = 0; k < per_length[length]; k++)
      bits[symbols[i++]] = length;
}

/* The canonical codes of @bits' lengths (RFC 1951, 3.2.2), bit-reversed
 * for the LSB-first writer. */
static void
build_codes (const guint8 *bits,
             int           n,
             guint16      *codes)
{
  int per_length[MAX_CODE_BITS + 1] = { 0 };
  guint32 next[MAX_CODE_BITS + 2];
  guint32 code = 0;

  for (int s = 0; s < n; s++)
    per_length[bits[s]]++;
  per_length[0] = 0;
  for (int length = 1; length <= MAX_CODE_BITS; length++)
    {
      code = (code + per_length[length - 1]) << 1;
      next[length] = code;
    }
  for (int s = 0; s < n; s++)
    {
      guint32 c, reversed = 0;

      if (bits[s] == 0)
        continue;
      c = next[bits[s]]++;
      for (int k = 0; k < bits[s]; k++)
        reversed |= ((c >> k) & 1) << (bits[s] - 1 - k);
      codes[s] = (guint16) reversed;
    }
}

/* The code lengths of both alphabets as the header codes them: a length,
 * 16 (repeat the last 3-6 times, 2 extra bits), 17 (3-10 zeros, 3 bits)
 * or 18 (11-138 zeros, 7 bits), each symbol with its extra value. */
typedef struct
{
  guint8 symbol[LITLEN_SYMBOLS + DISTANCE_SYMBOLS];
  guint8 extra[LITLEN_SYMBOLS + DISTANCE_SYMBOLS];
  int    n;
  guint32 count[LENGTH_SYMBOLS];
} Lengths;

static void
run_length_code (const guint8 *all,
                 int           n,
                 Lengths      *lengths)
{
  memset (lengths->count, 0, sizeof lengths->count);
  lengths->n = 0;
  for (int i = 0; i < n;)
    {
      int run = 1;

      while (i + run < n && all[i + run] == all[i])
        run++;
      i += run;
      if (all[i - run] == 0)
        while (run >= 3)
          {
            int take = MIN (run, 138);
            int symbol = take >= 11 ? 18 : 17;

            lengths->symbol[lengths->n] = symbol;
            lengths->extra[lengths->n++] = take - (symbol == 18 ? 11 : 3);
            lengths->count[symbol]++;
            run -= take;
          }
      else
        {
          lengths->symbol[lengths->n] = all[i - run];
          lengths->extra[lengths->n++] = 0;
          lengths->count[all[i - run]]++;
          run--;
          while (run >= 3)
            {
              int take = MIN (run, 6);

              lengths->symbol[lengths->n] = 16;
              lengths->extra[lengths->n++] = take - 3;
              lengths->count[16]++;
              run -= take;
            }
        }
      for (; run > 0; run--)
        {
          lengths->symbol[lengths->n] = all[i - run];
          lengths->extra[lengths->n++] = 0;
          lengths->count[all[i - run]]++;
        }
    }
}

static const guint8 length_order[LENGTH_SYMBOLS] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
static const guint8 repeat_extra_bits[3] = { 2, 3, 7 };

/* A block's dynamic Huffman header and its cost, built before choosing. */
typedef struct
{
  int     n_litlen;
  int     n_distance;
  int     n_length_codes;
  guint8  length_bits[LENGTH_SYMBOLS];
  guint16 length_code[LENGTH_SYMBOLS];
  Lengths lengths;
} Header;

/* Builds @block's codes and @header; returns the block's size in bits. */
static guint64
plan_dynamic (Block        *block,
              const guint8 *run_extra_bits,
              Header       *header)
{
  guint8 all[LITLEN_SYMBOLS + DISTANCE_SYMBOLS];
  guint64 size = 3 + 5 + 5 + 4;

  build_lengths (block->litlen_count, LITLEN_SYMBOLS, MAX_CODE_BITS, block->litlen_bits);
  build_lengths (block->distance_count, DISTANCE_SYMBOLS, MAX_CODE_BITS, block->distance_bits);
  build_codes (block->litlen_bits, LITLEN_SYMBOLS, block->litlen_code);
  build_codes (block->distance_bits, DISTANCE_SYMBOLS, block->distance_code);

  for (header->n_litlen = LITLEN_SYMBOLS; block->litlen_bits[header->n_litlen - 1] == 0; header->n_litlen--)
    ;
  for (header->n_distance = DISTANCE_SYMBOLS; block->distance_bits[header->n_distance - 1] == 0;
       header->n_distance--)
    ;
  memcpy (all, block->litlen_bits, header->n_litlen);
  memcpy (all + header->n_litlen, block->distance_bits, header->n_distance);
  run_length_code (all, header->n_litlen + header->n_distance, &header->lengths);
  build_lengths (header->lengths.count, LENGTH_SYMBOLS, MAX_LENGTH_BITS, header->length_bits);
  build_codes (header->length_bits, LENGTH_SYMBOLS, header->length_code);
  for (header->n_length_codes = LENGTH_SYMBOLS;
       header->n_length_codes > 4 && header->length_bits[length_order[header->n_length_codes - 1]] == 0;
       header->n_length_codes--)
    ;
  size += 3 * header->n_length_codes;
  for (int s = 0; s < LENGTH_SYMBOLS; s++)
    size += (guint64) header->lengths.count[s] * (header->length_bits[s] + (s >= 16 ? repeat_extra_bits[s - 16] : 0));
  for (int s = 0; s < LITLEN_SYMBOLS; s++)
    size += (guint64) block->litlen_count[s] * (block->litlen_bits[s] + (s > END_OF_BLOCK ? run_extra_bits[s] : 0));
  size += (guint64) block->distance_count[0] * block->distance_bits[0];
  return size;
}

static void
write_dynamic (Bits          *b,
               const guint8  *data,
               gsize          start,
               const Block   *block,
               const Header  *header,
               const guint16 *run_symbol,
               const guint8  *run_extra,
               gboolean       last)
{
  const guint8 *p = data + start;
  guint32 literal[256];

  put_bits (b, last | 2 << 1, 3);
  put_bits (b, header->n_litlen - 257, 5);
  put_bits (b, header->n_distance - 1, 5);
  put_bits (b, header->n_length_codes - 4, 4);
  for (int i = 0; i < header->n_length_codes; i++)
    put_bits (b, header->length_bits[length_order[i]], 3);
  for (int i = 0; i < header->lengths.n; i++)
    {
      int s = header->lengths.symbol[i];

      add_bits (b, header->length_code[s], header->length_bits[s]);
      if (s >= 16)
        add_bits (b, header->lengths.extra[i], repeat_extra_bits[s - 16]);
      flush_bits (b);
    }
  for (int s = 0; s < 256; s++)
    literal[s] = (guint32) block->litlen_bits[s] << 16 | block->litlen_code[s];
  for (gsize piece = 0; piece < block->n_pieces; piece++)
    {
      const Piece *q = &block->pieces[piece];
      const guint8 *end = p + q->literals;

      /* Three codes of at most 15 bits fit between flushes. */
      for (; p + 3 <= end; p += 3)
        {
          guint32 a = literal[p[0]], c = literal[p[1]], d = literal[p[2]];

          add_bits (b, a & 0xffff, a >> 16);
          add_bits (b, c & 0xffff, c >> 16);
          add_bits (b, d & 0xffff, d >> 16);
          flush_bits (b);
        }
      for (; p < end; p++)
        put_bits (b, literal[*p] & 0xffff, literal[*p] >> 16);
      if (q->run > 0)
        {
          int s = run_symbol[q->run];

          add_bits (b, block->litlen_code[s] | (q->run - length_base[s - 257]) << block->litlen_bits[s],
                    block->litlen_bits[s] + run_extra[s]);
          add_bits (b, block->distance_code[0], block->distance_bits[0]);
          flush_bits (b);
          p += q->run;
        }
    }
  put_bits (b, block->litlen_code[END_OF_BLOCK], block->litlen_bits[END_OF_BLOCK]);
}

/* @length bytes as stored blocks of at most 65535, the last final if @last. */
static void
write_stored (Bits         *b,
              const guint8 *p,
              gsize         length,
              gboolean      last)
{
  do
    {
      gsize n = MIN (length, STORED_MAX);
      guint8 sizes[4] = { n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff };

      put_bits (b, last && n == length, 3);
      align_bits (b);
      put_bytes (b, sizes, 4);
      put_bytes (b, p, n);
      p += n;
      length -= n;
    }
  while (length > 0);
}

static guint64
stored_bits (gsize length,
             int   pending_bits)
{
  gsize chunks = MAX (1, (length + STORED_MAX - 1) / STORED_MAX);

  /* The first header's padding depends on where the writer is. */
  return ((pending_bits + 3 + 7) / 8 * 8 - pending_bits) + (chunks - 1) * 8 + 32 * chunks + 8 * (guint64) length;
}

/**
 * thumbing_rle_deflate_bound:
 * @length: bytes to compress
 *
 * Returns: room enough for thumbing_rle_deflate() of any @length bytes:
 *   at worst every block is stored
 */
gsize
thumbing_rle_deflate_bound (gsize length)
{
  gsize blocks = length / BLOCK_SYMBOLS + 1;

  /* Header and check, and the slack of a word-wide flush at the end. */
  return length + 5 * (length / STORED_MAX + blocks + 1) + 2 + 4 + 8;
}

/**
 * thumbing_rle_deflate:
 * @data: (array length=length): the bytes to compress
 * @length: how many
 * @out: (array length=capacity): where the zlib stream goes
 * @capacity: room at @out, thumbing_rle_deflate_bound() of @length
 *
 * Compresses @data as a zlib stream whose matches are only runs of one
 * byte, each block with its own Huffman code or stored, whichever is
 * smaller.
 *
 * Returns: the stream's length, or 0 where @capacity is too small
 */
gsize
thumbing_rle_deflate (const guint8 *data,
                      gsize         length,
                      guint8       *out,
                      gsize         capacity)
{
  guint16 run_symbol[MAX_RUN + 1];
  guint8 run_extra[LITLEN_SYMBOLS] = { 0 };
  Bits b = { out, 0, capacity, 0, 0, FALSE };
  g_autofree Block *block = g_new (Block, 1);
  g_autofree Piece *pieces = g_new (Piece, BLOCK_SYMBOLS + 1);
  g_autofree Header *header = g_new (Header, 1);
  guint32 adler = libdeflate_adler32 (1, data, length);
  gsize start = 0;

  length_symbols (run_symbol, run_extra);
  block->pieces = pieces;

  /* CMF 0x78: deflate with a 32 KiB window; FLG 0x01: fastest, checked. */
  put_bits (&b, 0x78 | 0x01 << 8, 16);
  if (length == 0)
    write_stored (&b, data, 0, TRUE);
  while (start < length)
    {
      gsize end = scan_block (data, length, start, run_symbol, block);
      guint64 dynamic = plan_dynamic (block, run_extra, header);

      if (dynamic < stored_bits (end - start, b.n_bits))
        write_dynamic (&b, data, start, block, header, run_symbol, run_extra, end == length);
      else
        write_stored (&b, data + start, end - start, end == length);
      start = end;
    }
  align_bits (&b);
  {
    guint8 check[4] = { adler >> 24, adler >> 16, adler >> 8, adler };

    put_bytes (&b, check, 4);
  }
  return b.overflow ? 0 : b.at;
}
