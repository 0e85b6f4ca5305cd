/* vips-loop.c: the floor — a bare libvips loop doing what the pipeline does
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   vips-loop CONCURRENCY OUTDIR FILE…
 *
 * CONCURRENCY threads take the files in turn: read into memory,
 * vips_thumbnail_buffer to 512×512 (crop centre, as sharp's cover), then
 * vips_pngsave_buffer at png-encode's level 1 with the Average filter (its
 * cost in libpng is nearest to png-encode's default choice per row, which
 * libpng does more slowly), and write the result.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <vips/vips.h>

typedef struct
{
  char  **files;
  guint   n_files;
  gint    next;
  char   *outdir;
  gint    failed;
} Work;

static gpointer
worker (gpointer data)
{
  Work *work = data;
  gint index;

  while ((index = g_atomic_int_add (&work->next, 1)) < (gint) work->n_files)
    {
      g_autofree char *contents = NULL;
      g_autofree char *base = g_path_get_basename (work->files[index]);
      g_autofree char *out = g_strdup_printf ("%s/%s.png", work->outdir, base);
      VipsImage *thumbnail = NULL;
      void *png = NULL;
      size_t png_length = 0;
      gsize length;

      if (!g_file_get_contents (work->files[index], &contents, &length, NULL)
          || vips_thumbnail_buffer (contents, length, &thumbnail, 512, "height", 512,
                                    "crop", VIPS_INTERESTING_CENTRE, NULL) != 0
          || vips_pngsave_buffer (thumbnail, &png, &png_length, "compression", 1, "filter",
                                  VIPS_FOREIGN_PNG_FILTER_AVG, NULL) != 0
          || !g_file_set_contents (out, png, png_length, NULL))
        {
          fprintf (stderr, "vips-loop: %s: %s\n", work->files[index], vips_error_buffer ());
          g_atomic_int_inc (&work->failed);
        }
      g_clear_object (&thumbnail);
      g_free (png);
    }
  vips_thread_shutdown ();
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  Work work = { 0 };
  GPtrArray *threads = g_ptr_array_new ();
  guint concurrency;

  if (VIPS_INIT (argv[0]) != 0 || argc < 4)
    {
      fprintf (stderr, "usage: vips-loop CONCURRENCY OUTDIR FILE…\n");
      return 2;
    }
  concurrency = (guint) atoi (argv[1]);
  work.outdir = argv[2];
  work.files = argv + 3;
  work.n_files = argc - 3;
  /* As thumbing's vips plugin and sharp's queue: images in parallel, each
   * on one libvips thread unless VIPS_CONCURRENCY says otherwise. */
  if (g_getenv ("VIPS_CONCURRENCY") == NULL)
    vips_concurrency_set (1);
  vips_cache_set_max (0);
  g_mkdir_with_parents (work.outdir, 0755);
  for (guint i = 0; i < MAX (concurrency, 1u); i++)
    g_ptr_array_add (threads, g_thread_new ("vips-loop", worker, &work));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_ptr_array_free (threads, TRUE);
  vips_shutdown ();
  return work.failed > 0 ? 1 : 0;
}
