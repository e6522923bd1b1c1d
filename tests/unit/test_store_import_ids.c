/*
 * test_store_import_ids.c - the ids an import stored, as runs of
 * consecutive ids (pt_import_result_add_ids): ids that continue the last
 * run extend it, so that an import stored in one transaction is one run,
 * and a partial import whose batches were stored without another write
 * between them too; a gap (another client's proposal created between two
 * batches) starts a run of its own, so that the runs never name that
 * proposal. Beyond PT_IMPORT_RANGES_LISTED runs, the others are counted,
 * a run that continues an unlisted one is not counted twice, and the
 * listed ones stay as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

static void ids_that_follow_make_one_run(void **state)
{
    (void)state;
    pt_import_result_t res;
    memset(&res, 0, sizeof(res));
    for (int64_t id = 381; id <= 383; id++)
        pt_import_result_add_ids(&res, id, id);
    assert_int_equal(res.n_ranges, 1);
    assert_int_equal(res.ranges[0].first, 381);
    assert_int_equal(res.ranges[0].last, 383);
    /* A batch stored after it, without a write between. */
    pt_import_result_add_ids(&res, 384, 2383);
    assert_int_equal(res.n_ranges, 1);
    assert_int_equal(res.ranges[0].last, 2383);
}

static void a_gap_starts_a_run_of_its_own(void **state)
{
    (void)state;
    pt_import_result_t res;
    memset(&res, 0, sizeof(res));
    pt_import_result_add_ids(&res, 1, 2000);
    /* Another client's proposal took 2001. */
    pt_import_result_add_ids(&res, 2002, 4001);
    pt_import_result_add_ids(&res, 4002, 6001);
    assert_int_equal(res.n_ranges, 2);
    assert_int_equal(res.ranges[0].first, 1);
    assert_int_equal(res.ranges[0].last, 2000);
    assert_int_equal(res.ranges[1].first, 2002);
    assert_int_equal(res.ranges[1].last, 6001);
}

static void runs_beyond_the_listed_ones_are_counted(void **state)
{
    (void)state;
    pt_import_result_t res;
    memset(&res, 0, sizeof(res));
    for (int64_t k = 0; k < PT_IMPORT_RANGES_LISTED + 5; k++)
        pt_import_result_add_ids(&res, k * 10 + 1, k * 10 + 5);
    assert_int_equal(res.n_ranges, PT_IMPORT_RANGES_LISTED + 5);
    /* Continuing the last, unlisted run counts no run more. */
    int64_t end = (PT_IMPORT_RANGES_LISTED + 4) * 10 + 5;
    pt_import_result_add_ids(&res, end + 1, end + 3);
    assert_int_equal(res.n_ranges, PT_IMPORT_RANGES_LISTED + 5);
    const pt_id_range_t *last = &res.ranges[PT_IMPORT_RANGES_LISTED - 1];
    assert_int_equal(last->first, (PT_IMPORT_RANGES_LISTED - 1) * 10 + 1);
    assert_int_equal(last->last, (PT_IMPORT_RANGES_LISTED - 1) * 10 + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_that_follow_make_one_run),
        cmocka_unit_test(a_gap_starts_a_run_of_its_own),
        cmocka_unit_test(runs_beyond_the_listed_ones_are_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
