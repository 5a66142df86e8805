/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_klp_stress_patch.h - the body of the cumulative patches of the
 * livepatch replace stress test
 *
 * test_klp_stress1.c .. test_klp_stress3.c define KLP_STRESS_PATCH and
 * include this file once: patch p's version of fN returns
 * KLP_STRESS_VALUE(p, N), and its klp_func array lists the functions that
 * its row of the table in test_klp_stress.h covers.
 */
#ifndef KLP_STRESS_PATCH
#error "define KLP_STRESS_PATCH (1 to KLP_STRESS_NPATCHES) first"
#endif

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/stringify.h>
#include "test_klp_stress.h"

#define KLP_STRESS_VERSION(n)						\
static int livepatch_test_klp_stress_f##n(void)				\
{									\
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, n);			\
}

KLP_STRESS_VERSION(0)
KLP_STRESS_VERSION(1)
KLP_STRESS_VERSION(2)
KLP_STRESS_VERSION(3)
KLP_STRESS_VERSION(4)
KLP_STRESS_VERSION(5)
KLP_STRESS_VERSION(6)
KLP_STRESS_VERSION(7)

static int livepatch_test_klp_stress_wait(const int *hold)
{
	klp_stress_hold(hold);
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, KLP_STRESS_WAIT);
}

/* Every version, indexed by function number (KLP_STRESS_WAIT last). */
static const struct klp_func klp_stress_versions[] = {
	{ .old_name = "test_klp_stress_f0", .new_func = livepatch_test_klp_stress_f0 },
	{ .old_name = "test_klp_stress_f1", .new_func = livepatch_test_klp_stress_f1 },
	{ .old_name = "test_klp_stress_f2", .new_func = livepatch_test_klp_stress_f2 },
	{ .old_name = "test_klp_stress_f3", .new_func = livepatch_test_klp_stress_f3 },
	{ .old_name = "test_klp_stress_f4", .new_func = livepatch_test_klp_stress_f4 },
	{ .old_name = "test_klp_stress_f5", .new_func = livepatch_test_klp_stress_f5 },
	{ .old_name = "test_klp_stress_f6", .new_func = livepatch_test_klp_stress_f6 },
	{ .old_name = "test_klp_stress_f7", .new_func = livepatch_test_klp_stress_f7 },
	{ .old_name = "test_klp_stress_wait", .new_func = livepatch_test_klp_stress_wait },
};

/* Filled from the table at init; ends with an empty entry. */
static struct klp_func funcs[ARRAY_SIZE(klp_stress_versions) + 1];

static struct klp_object objs[] = {
	{
		.name = "test_klp_stress_mod",
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int test_klp_stress_patch_init(void)
{
	unsigned int covers = klp_stress_covers(KLP_STRESS_PATCH);
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(klp_stress_versions); i++) {
		if (covers & BIT(i))
			funcs[n++] = klp_stress_versions[i];
	}

	return klp_enable_patch(&patch);
}

static void test_klp_stress_patch_exit(void)
{
}

module_init(test_klp_stress_patch_init);
module_exit(test_klp_stress_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: cumulative patch " __stringify(KLP_STRESS_PATCH)
		   " of the replace stress test");
