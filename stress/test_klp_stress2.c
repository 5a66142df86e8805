// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_stress2.c - cumulative patch 2 of the livepatch replace stress test
 *
 * Replaces whatever patch of test_klp_stress_mod is active (.replace)
 * and patches f2, f3, f4, f5 and test_klp_stress_wait(): its version of
 * function N returns KLP_STRESS_VALUE(2, N).  See test_klp_stress.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include "test_klp_stress.h"

#define KLP_STRESS_PATCH	2

static int livepatch_test_klp_stress_f2(void)
{
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, 2);
}

static int livepatch_test_klp_stress_f3(void)
{
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, 3);
}

static int livepatch_test_klp_stress_f4(void)
{
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, 4);
}

static int livepatch_test_klp_stress_f5(void)
{
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, 5);
}

static int livepatch_test_klp_stress_wait(const int *hold)
{
	klp_stress_hold(hold);
	return KLP_STRESS_VALUE(KLP_STRESS_PATCH, KLP_STRESS_WAIT);
}

static struct klp_func funcs[] = {
	{
		.old_name = "test_klp_stress_f2",
		.new_func = livepatch_test_klp_stress_f2,
	}, {
		.old_name = "test_klp_stress_f3",
		.new_func = livepatch_test_klp_stress_f3,
	}, {
		.old_name = "test_klp_stress_f4",
		.new_func = livepatch_test_klp_stress_f4,
	}, {
		.old_name = "test_klp_stress_f5",
		.new_func = livepatch_test_klp_stress_f5,
	}, {
		.old_name = "test_klp_stress_wait",
		.new_func = livepatch_test_klp_stress_wait,
	}, { }
};

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

static int test_klp_stress2_init(void)
{
	int ret;

	ret = klp_stress_check_funcs(KLP_STRESS_PATCH, funcs);
	if (ret) {
		pr_err("funcs[] does not match patch %d of test_klp_stress.h\n",
		       KLP_STRESS_PATCH);
		return ret;
	}
	return klp_enable_patch(&patch);
}

static void test_klp_stress2_exit(void)
{
}

module_init(test_klp_stress2_init);
module_exit(test_klp_stress2_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: cumulative patch 2 of the replace stress test");
