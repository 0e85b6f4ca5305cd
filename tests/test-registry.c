/* test-registry.c: plugin discovery and element factories
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-util.h"

/* An element with metadata, one without, for registration tests. */
#define TEST_TYPE_NAMED (test_named_get_type ())
G_DECLARE_FINAL_TYPE (TestNamed, test_named, TEST, NAMED, ThumbingSink)
struct _TestNamed { ThumbingSink parent_instance; };
G_DEFINE_FINAL_TYPE (TestNamed, test_named, THUMBING_TYPE_SINK)
static void
test_named_class_init (TestNamedClass *klass)
{
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-named", "A registered test sink");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), "*/*", NULL);
  thumbing_element_class_set_permissions (THUMBING_ELEMENT_CLASS (klass), "s3:PutObject; sns:Publish");
}
static void test_named_init (TestNamed *self) { }

#define TEST_TYPE_CLASH (test_clash_get_type ())
G_DECLARE_FINAL_TYPE (TestClash, test_clash, TEST, CLASH, ThumbingSink)
struct _TestClash { ThumbingSink parent_instance; };
G_DEFINE_FINAL_TYPE (TestClash, test_clash, THUMBING_TYPE_SINK)
static void
test_clash_class_init (TestClashClass *klass)
{
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-named", "Same name, other type");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), "*/*", NULL);
}
static void test_clash_init (TestClash *self) { }

#define TEST_TYPE_ANONYMOUS (test_anonymous_get_type ())
G_DECLARE_FINAL_TYPE (TestAnonymous, test_anonymous, TEST, ANONYMOUS, ThumbingTransform)
struct _TestAnonymous { ThumbingTransform parent_instance; };
G_DEFINE_FINAL_TYPE (TestAnonymous, test_anonymous, THUMBING_TYPE_TRANSFORM)
static void test_anonymous_class_init (TestAnonymousClass *klass) { }
static void test_anonymous_init (TestAnonymous *self) { }

static void
test_shipped_elements_found (void)
{
  ThumbingRegistry *registry = thumbing_registry_get_default ();
  static const struct { const char *name, *plugin; ThumbingElementKind kind; } expected[] = {
    { "folder-source", "core", THUMBING_ELEMENT_KIND_SOURCE },
    { "folder-sink", "core", THUMBING_ELEMENT_KIND_SINK },
    { "log", "core", THUMBING_ELEMENT_KIND_SINK },
    { "resize", "vips", THUMBING_ELEMENT_KIND_TRANSFORM },
    { "png-encode", "vips", THUMBING_ELEMENT_KIND_TRANSFORM },
    { "jpeg-encode", "vips", THUMBING_ELEMENT_KIND_TRANSFORM },
    { "webp-encode", "vips", THUMBING_ELEMENT_KIND_TRANSFORM },
    { "avif-encode", "vips", THUMBING_ELEMENT_KIND_TRANSFORM },
  };
  g_autoptr(GList) factories = thumbing_registry_list_factories (registry);

  g_assert_cmpuint (g_list_length (factories), >=, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      ThumbingElementFactory *factory = thumbing_registry_lookup (registry, expected[i].name);

      g_assert_nonnull (factory);
      g_assert_cmpstr (thumbing_element_factory_get_plugin_name (factory), ==, expected[i].plugin);
      g_assert_cmpint (thumbing_element_factory_get_kind (factory), ==, expected[i].kind);
      g_assert_nonnull (thumbing_element_factory_get_description (factory));
    }
  /* Sorted by name. */
  g_assert_cmpstr (thumbing_element_factory_get_name (factories->data), <=,
                   thumbing_element_factory_get_name (factories->next->data));
  g_assert_cmpstr (thumbing_registry_get_problems (registry)[0], ==, NULL);
}

static void
test_plugins_listed (void)
{
  g_autoptr(GList) plugins = thumbing_registry_list_plugins (thumbing_registry_get_default ());
  gboolean core = FALSE, vips = FALSE;

  for (GList *l = plugins; l != NULL; l = l->next)
    {
      core |= g_strcmp0 (thumbing_plugin_get_name (l->data), "core") == 0;
      vips |= g_strcmp0 (thumbing_plugin_get_name (l->data), "vips") == 0;
      g_assert_true (g_str_has_suffix (thumbing_plugin_get_filename (l->data), "." G_MODULE_SUFFIX));
      g_assert_cmpstr (thumbing_plugin_get_license (l->data), ==, "LGPL-2.1-or-later");
    }
  g_assert_true (core && vips);
}

static void
test_unknown_element (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) element = NULL;

  g_assert_null (thumbing_registry_lookup (thumbing_registry_get_default (), "resise"));
  element = thumbing_registry_create_element (thumbing_registry_get_default (), "resise", NULL, &error);
  g_assert_null (element);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_ELEMENT);
  g_assert_cmpstr (error->message, ==, "no element named “resise” (did you mean “resize”?)");
}

static void
test_create_names_stage (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) named = thumbing_registry_create_element (thumbing_registry_get_default (),
                                                                       "resize", "thumb", &error);
  g_autoptr(ThumbingElement) unnamed = thumbing_registry_create_element (thumbing_registry_get_default (),
                                                                         "resize", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_element_get_name (named), ==, "thumb");
  g_assert_cmpstr (thumbing_element_get_name (unnamed), ==, "resize");
}

static void
test_add_element (void)
{
  g_autoptr(ThumbingRegistry) registry = thumbing_registry_new ();
  g_autoptr(GError) error = NULL;
  ThumbingElementFactory *factory;
  const char * const *permissions;

  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_NAMED, "app", &error));
  g_assert_no_error (error);
  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_NAMED, "app", &error));
  factory = thumbing_registry_lookup (registry, "test-named");
  g_assert_nonnull (factory);
  g_assert_cmpint (thumbing_element_factory_get_kind (factory), ==, THUMBING_ELEMENT_KIND_SINK);
  g_assert_true (thumbing_element_factory_get_element_type (factory) == TEST_TYPE_NAMED);
  g_assert_null (thumbing_element_factory_get_produces (factory));
  permissions = thumbing_element_factory_get_permissions (factory);
  g_assert_cmpstr (permissions[0], ==, "s3:PutObject");
  g_assert_cmpstr (permissions[1], ==, "sns:Publish");

  g_assert_false (thumbing_registry_add_element (registry, TEST_TYPE_CLASH, "other", &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
  g_assert_cmpstr (error->message, ==, "element test-named of plugin other is already provided by plugin app");
  g_clear_error (&error);

  g_assert_false (thumbing_registry_add_element (registry, G_TYPE_OBJECT, "app", &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
  g_clear_error (&error);
  g_assert_false (thumbing_registry_add_element (registry, THUMBING_TYPE_TRANSFORM, "app", &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
  g_clear_error (&error);
  g_assert_false (thumbing_registry_add_element (registry, TEST_TYPE_ANONYMOUS, "app", &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, "no metadata"));
}

static void
test_bad_modules (void)
{
  g_autoptr(ThumbingRegistry) registry = thumbing_registry_new ();
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *bogus = g_build_filename (dir, "libbogus." G_MODULE_SUFFIX, NULL);
  g_autoptr(GError) error = NULL;
  const char * const *problems;

  g_file_set_contents (bogus, "not an ELF file", -1, &error);
  g_assert_no_error (error);
  g_assert_false (thumbing_registry_load_plugin (registry, bogus, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, "cannot load plugin"));
  g_clear_error (&error);

  thumbing_registry_scan_path (registry, dir);
  problems = thumbing_registry_get_problems (registry);
  g_assert_nonnull (problems[0]);
  g_assert_nonnull (strstr (problems[0], "libbogus"));
  thumbing_test_remove_tree (dir);
}

static void
test_scan_path_of_build_tree (void)
{
  g_autoptr(ThumbingRegistry) registry = thumbing_registry_new ();

  thumbing_registry_scan_path (registry, g_getenv ("THUMBING_PLUGIN_PATH"));
  g_assert_nonnull (thumbing_registry_lookup (registry, "folder-sink"));
  g_assert_nonnull (thumbing_registry_lookup (registry, "png-encode"));
}

static gboolean
static_init (ThumbingPlugin *plugin,
             GError        **error)
{
  return thumbing_plugin_add_element (plugin, TEST_TYPE_NAMED, error);
}

static void
test_static_plugin (void)
{
  static const ThumbingPluginDesc desc = {
    THUMBING_MAJOR_VERSION, THUMBING_MINOR_VERSION, "linked-in", "A statically linked plugin",
    static_init, "1", "CC0-1.0", { NULL }
  };
  static const ThumbingPluginDesc future = {
    THUMBING_MAJOR_VERSION + 1, 0, "future", "Built for another major version",
    static_init, "1", "CC0-1.0", { NULL }
  };
  g_autoptr(ThumbingRegistry) registry = thumbing_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) plugins = NULL;

  g_assert_true (thumbing_registry_add_static_plugin (registry, &desc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_element_factory_get_plugin_name (thumbing_registry_lookup (registry, "test-named")),
                   ==, "linked-in");
  plugins = thumbing_registry_list_plugins (registry);
  g_assert_null (thumbing_plugin_get_filename (plugins->data));

  g_assert_false (thumbing_registry_add_static_plugin (registry, &future, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/registry/shipped-elements-found", test_shipped_elements_found);
  g_test_add_func ("/registry/plugins-listed", test_plugins_listed);
  g_test_add_func ("/registry/unknown-element", test_unknown_element);
  g_test_add_func ("/registry/create-names-stage", test_create_names_stage);
  g_test_add_func ("/registry/add-element", test_add_element);
  g_test_add_func ("/registry/bad-modules", test_bad_modules);
  g_test_add_func ("/registry/scan-path-of-build-tree", test_scan_path_of_build_tree);
  g_test_add_func ("/registry/static-plugin", test_static_plugin);
  return g_test_run ();
}
