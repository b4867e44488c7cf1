/* test_filegroups.c: which inputs of one aitc run are generated together
 * (generator/group.c): merged per impl of an interface another input
 * declares, closed over the files between them, in import order. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "parse.h"

static const char iface_a[] = "interface I {\n    async int m(void);\n}\n";
static const char iface_c[] = "interface J {\n    async int n(void);\n}\n";
static const char impl_i[] = "%{\ntypedef struct T { int x; } T;\n%}\n"
                             "impl I for T {\n    async int m(void) { return 1; }\n}\n";

/* A file of the run: path (its key too), its text, whether it is an
 * input, and the files it imports, transitively (NULL-terminated). */
static RunFile *file(const char *path, const char *text, int input, ...) {
    RunFile *f = xalloc(sizeof *f);
    typenames_load(NULL);
    f->file = parse_file(src_add(path, xstrdup(text), strlen(text)));
    f->key = path;
    f->input = input != 0;
    va_list ap;
    va_start(ap, input);
    for (RunFile *d; (d = va_arg(ap, RunFile *));)
        vec_push(&f->deps, d);
    va_end(ap);
    return f;
}

/* The groups of files, as "a.ait b.ait | c.ait d.ait". */
static const char *groups_of(int n, RunFile **files) {
    Vec all = {0}, groups = {0};
    for (int i = 0; i < n; i++)
        vec_push(&all, files[i]);
    group_inputs(&all, &groups);
    Buf b = {0};
    for (int i = 0; i < groups.len; i++) {
        Vec *g = groups.data[i];
        for (int k = 0; k < g->len; k++)
            buf_printf(&b, "%s%s", i || k ? (k ? " " : " | ") : "", ((RunFile *)g->data[k])->key);
    }
    const char *s = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return s;
}

/* The groups of files, as groups_of, and the diagnostics printed. */
static const char *groups_and_diags(int n, RunFile **files, char **diags) {
    size_t len;
    FILE *f = open_memstream(diags, &len);
    diag_set_stream(f);
    const char *s = groups_of(n, files);
    diag_set_stream(stderr);
    fclose(f);
    return s;
}

static void test_impl_joins_interface(void **state) {
    (void)state;
    RunFile *a = file("a.ait", iface_a, true, NULL);
    RunFile *b = file("b.ait", impl_i, true, a, NULL);
    RunFile *other = file("o.ait", "async int o(void) { return 0; }\n", true, NULL);
    assert_string_equal(groups_of(3, (RunFile *[]){b, other, a}), "a.ait b.ait");
    assert_int_equal(a->group, 0);
    assert_int_equal(b->group, 0);
    assert_int_equal(other->group, -1);
}

static void test_interface_not_an_input(void **state) {
    (void)state;
    RunFile *a = file("a.ait", iface_a, false, NULL);
    RunFile *b = file("b.ait", impl_i, true, a, NULL);
    assert_string_equal(groups_of(2, (RunFile *[]){a, b}), "");
    assert_int_equal(b->group, -1);
}

/* c imports m, which imports a; c implements a's interface. */
static void test_file_between(void **state) {
    (void)state;
    RunFile *a = file("a.ait", iface_a, true, NULL);
    RunFile *m = file("m.ait", "async int mid(void) { return 2; }\n", true, a, NULL);
    RunFile *c = file("c.ait", impl_i, true, m, a, NULL);
    assert_string_equal(groups_of(3, (RunFile *[]){c, m, a}), "a.ait m.ait c.ait");
    m->input = false;
    char *diags;
    assert_string_equal(groups_and_diags(3, (RunFile *[]){c, m, a}, &diags), "");
    assert_non_null(strstr(diags, "c.ait:4:6: warning: impl of 'I' for 'T' is not generated "
                                  "together with 'a.ait': 'm.ait', imported between them, is "
                                  "not an input of this run; dyn calls into it are boxed "
                                  "[-Wungrouped]"));
    free(diags);
}

/* b implements I of a and J of c: a and c both come before b, by key. */
static void test_two_interfaces(void **state) {
    (void)state;
    RunFile *c = file("c.ait", iface_c, true, NULL);
    RunFile *a = file("a.ait", iface_a, true, NULL);
    RunFile *b = file("b.ait",
                      "%{\ntypedef struct T { int x; } T;\n%}\n"
                      "impl I for T {\n    async int m(void) { return 1; }\n}\n"
                      "impl J for T {\n    async int n(void) { return 2; }\n}\n",
                      true, a, c, NULL);
    assert_string_equal(groups_of(3, (RunFile *[]){b, c, a}), "a.ait c.ait b.ait");
}

static void test_same_name_not_grouped(void **state) {
    (void)state;
    RunFile *a = file("one/x.ait", iface_a, true, NULL);
    RunFile *b = file("two/x.ait", impl_i, true, a, NULL);
    char *diags;
    assert_string_equal(groups_and_diags(2, (RunFile *[]){a, b}, &diags), "");
    assert_non_null(strstr(diags, "two/x.ait:4:6: warning: impl of 'I' for 'T' is not generated "
                                  "together with 'one/x.ait': its files 'one/x.ait' and "
                                  "'two/x.ait' have the same name"));
    free(diags);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impl_joins_interface),
        cmocka_unit_test(test_interface_not_an_input),
        cmocka_unit_test(test_file_between),
        cmocka_unit_test(test_two_interfaces),
        cmocka_unit_test(test_same_name_not_grouped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
