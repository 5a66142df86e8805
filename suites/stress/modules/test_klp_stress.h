/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_klp_stress.h - shared table of the livepatch replace stress test
 *
 * test_klp_stress_mod.ko defines test_klp_stress_f0() .. f7(); the original
 * fN returns N.  test_klp_stress1.ko .. test_klp_stress3.ko are cumulative
 * patches (.replace = true) of that module; patch p's version of fN returns
 * KLP_STRESS_VALUE(p, N).  Each patch covers a different subset of the
 * functions, so that replacing one patch by another adds no-op funcs for
 * some functions, drops them for others and moves the rest from one new
 * function to another:
 *
 *	patch | f0 f1 f2 f3 f4 f5 f6 f7 wait
 *	------+-----------------------------
 *	  1   |  x  x  x  x                x
 *	  2   |        x  x  x  x          x
 *	  3   |  x  x           x  x  x    x
 *
 * Every patch also patches test_klp_stress_wait(hold), function number
 * KLP_STRESS_WAIT: each version sleeps while *hold is set, then returns
 * KLP_STRESS_VALUE(p, KLP_STRESS_WAIT).  A task sleeping in it keeps a
 * transition from completing until user space clears "hold", which lets
 * the test reverse a transition while it is under way.
 *
 * Each patch module builds its klp_func array from its row of this table
 * (test_klp_stress_patch.h).
 */
#ifndef _TEST_KLP_STRESS_H
#define _TEST_KLP_STRESS_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>

#define KLP_STRESS_NFUNCS	8	/* f0 .. f7 */
#define KLP_STRESS_WAIT		8	/* test_klp_stress_wait() */
#define KLP_STRESS_NPATCHES	3

#define KLP_STRESS_PATCH1_FUNCS	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | \
				 BIT(KLP_STRESS_WAIT))
#define KLP_STRESS_PATCH2_FUNCS	(BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
				 BIT(KLP_STRESS_WAIT))
#define KLP_STRESS_PATCH3_FUNCS	(BIT(0) | BIT(1) | BIT(5) | BIT(6) | BIT(7) | \
				 BIT(KLP_STRESS_WAIT))

/* What patch @p's version of fN returns; patch 0 is the original code. */
#define KLP_STRESS_VALUE(p, n)	(((p) << 8) | (n))

/* Bit N set: patch @p patches function N (fN, or test_klp_stress_wait()). */
static inline unsigned int klp_stress_covers(unsigned int p)
{
	switch (p) {
	case 1:
		return KLP_STRESS_PATCH1_FUNCS;
	case 2:
		return KLP_STRESS_PATCH2_FUNCS;
	case 3:
		return KLP_STRESS_PATCH3_FUNCS;
	default:
		return 0;
	}
}

int test_klp_stress_f0(void);
int test_klp_stress_f1(void);
int test_klp_stress_f2(void);
int test_klp_stress_f3(void);
int test_klp_stress_f4(void);
int test_klp_stress_f5(void);
int test_klp_stress_f6(void);
int test_klp_stress_f7(void);
int test_klp_stress_wait(const int *hold);

/*
 * The body of every version of test_klp_stress_wait(): sleep while *hold
 * is set (or until the calling kthread is asked to stop).
 */
static inline void klp_stress_hold(const int *hold)
{
	while (READ_ONCE(*hold) && !kthread_should_stop())
		usleep_range(5000, 6000);
}

#endif /* _TEST_KLP_STRESS_H */
