// SPDX-License-Identifier: GPL-2.0
/*
 * test_klp_stress_mod.c - target of the livepatch replace stress test
 *
 * Defines test_klp_stress_f0() .. f7() and test_klp_stress_wait() (see
 * test_klp_stress.h) and starts nthreads kthreads that call f0 .. f7 in a
 * tight loop, and one more, the holder, that calls test_klp_stress_wait()
 * every few milliseconds.  Every return value is checked against the
 * patches user space says may be active (parameter "allowed").  The
 * counters "calls" and "bad" tell user space how many values were checked
 * and how many were illegal.
 *
 * While user space sets "hold", the holder sleeps in the version of
 * test_klp_stress_wait() it entered ("holding" reads 1 once it is about
 * to enter), which keeps any transition from completing.
 *
 * npreempt more kthreads call f0 .. f7 with preemption enabled, so that on
 * a fully preemptible kernel they can be preempted anywhere in the ftrace
 * handler, the trampoline and the patched code.  They check a value only
 * when at most one write of "allowed" overlapped the call (see
 * klp_stress_call_preemptible()); "unchecked" counts the others.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "test_klp_stress.h"

#define KLP_STRESS_MAX_THREADS	64

static int nthreads = 2;
module_param(nthreads, int, 0444);
MODULE_PARM_DESC(nthreads, "Number of calling kthreads, 1-64 (default=2)");

static int npreempt;
module_param(npreempt, int, 0444);
MODULE_PARM_DESC(npreempt,
		 "Number of kthreads calling with preemption enabled, 0-64 (default=0)");

static int pause_us;
module_param(pause_us, int, 0444);
MODULE_PARM_DESC(pause_us,
		 "Sleep this long after each busy_us of calls; 0: never sleep (default=0)");

static int busy_us = 1000;
module_param(busy_us, int, 0444);
MODULE_PARM_DESC(busy_us, "Call for this long between pauses (default=1000)");

static int allowed = BIT(0);
/* Bumped around every write of allowed; see klp_stress_call_preemptible(). */
static seqcount_t allowed_seq = SEQCNT_ZERO(allowed_seq);

static int klp_stress_allowed_set(const char *val,
				  const struct kernel_param *kp)
{
	int v, ret;

	ret = kstrtoint(val, 0, &v);
	if (ret)
		return ret;

	/* Writers are serialized by the module's kernel_param_lock(). */
	preempt_disable();
	write_seqcount_begin(&allowed_seq);
	WRITE_ONCE(allowed, v);
	write_seqcount_end(&allowed_seq);
	preempt_enable();
	return 0;
}

static const struct kernel_param_ops klp_stress_allowed_ops = {
	.set = klp_stress_allowed_set,
	.get = param_get_int,
};

module_param_cb(allowed, &klp_stress_allowed_ops, &allowed, 0644);
MODULE_PARM_DESC(allowed,
		 "Patches that may be active: bit 0 no patch, bit p patch p (default=1)");

static int hold;
module_param(hold, int, 0644);
MODULE_PARM_DESC(hold, "Keep the holder in test_klp_stress_wait() (default=0)");

static int holding;
module_param(holding, int, 0444);
MODULE_PARM_DESC(holding,
		 "The holder is in test_klp_stress_wait() because of hold (read-only)");

static atomic_long_t calls = ATOMIC_LONG_INIT(0);
static atomic_long_t bad = ATOMIC_LONG_INIT(0);
static atomic_long_t unchecked = ATOMIC_LONG_INIT(0);

static int klp_stress_counter_set(const char *val,
				  const struct kernel_param *kp)
{
	return -EPERM;
}

static int klp_stress_counter_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops klp_stress_counter_ops = {
	.set = klp_stress_counter_set,
	.get = klp_stress_counter_get,
};

module_param_cb(calls, &klp_stress_counter_ops, &calls, 0444);
MODULE_PARM_DESC(calls, "Calls made, all checked but \"unchecked\" (read-only)");
module_param_cb(bad, &klp_stress_counter_ops, &bad, 0444);
MODULE_PARM_DESC(bad, "Illegal return values seen (read-only)");
module_param_cb(unchecked, &klp_stress_counter_ops, &unchecked, 0444);
MODULE_PARM_DESC(unchecked,
		 "Preemptible calls not checked: allowed changed twice meanwhile (read-only)");

/*
 * The functions to patch.  __noipa keeps them out of line and keeps the
 * compiler from propagating their constant return values into the caller:
 * every call must go through the function's ftrace location.
 */
noinline __noipa int test_klp_stress_f0(void)
{
	return KLP_STRESS_VALUE(0, 0);
}

noinline __noipa int test_klp_stress_f1(void)
{
	return KLP_STRESS_VALUE(0, 1);
}

noinline __noipa int test_klp_stress_f2(void)
{
	return KLP_STRESS_VALUE(0, 2);
}

noinline __noipa int test_klp_stress_f3(void)
{
	return KLP_STRESS_VALUE(0, 3);
}

noinline __noipa int test_klp_stress_f4(void)
{
	return KLP_STRESS_VALUE(0, 4);
}

noinline __noipa int test_klp_stress_f5(void)
{
	return KLP_STRESS_VALUE(0, 5);
}

noinline __noipa int test_klp_stress_f6(void)
{
	return KLP_STRESS_VALUE(0, 6);
}

noinline __noipa int test_klp_stress_f7(void)
{
	return KLP_STRESS_VALUE(0, 7);
}

noinline __noipa int test_klp_stress_wait(const int *hold)
{
	klp_stress_hold(hold);
	return KLP_STRESS_VALUE(0, KLP_STRESS_WAIT);
}

static int (* const klp_stress_funcs[KLP_STRESS_NFUNCS])(void) = {
	test_klp_stress_f0, test_klp_stress_f1,
	test_klp_stress_f2, test_klp_stress_f3,
	test_klp_stress_f4, test_klp_stress_f5,
	test_klp_stress_f6, test_klp_stress_f7,
};

/*
 * May function @n (fN, or test_klp_stress_wait() for KLP_STRESS_WAIT)
 * return @v while @mask lists the patches that may be active (bit 0: no
 * patch, bit p: patch p)?
 *
 * The low byte must be @n.  A patched value (patch p != 0) is legal when
 * patch p is in @mask and patches fN.  The original value (p == 0) is
 * legal when "no patch" is in @mask, or when some patch in @mask leaves fN
 * alone: fN then runs its original code under that patch, either because
 * the patch never touched fN or because its no-op func for fN (atomic
 * replace) lets the original code run.
 */
static bool klp_stress_legal(unsigned int n, unsigned int v,
			     unsigned int mask)
{
	unsigned int p = v >> 8;
	unsigned int q;

	if ((v & 0xff) != n)
		return false;

	if (p)
		return p <= KLP_STRESS_NPATCHES && (mask & BIT(p)) &&
		       (klp_stress_covers(p) & BIT(n));

	if (mask & BIT(0))
		return true;
	for (q = 1; q <= KLP_STRESS_NPATCHES; q++) {
		if ((mask & BIT(q)) && !(klp_stress_covers(q) & BIT(n)))
			return true;
	}
	return false;
}

/*
 * Call fN once and check its value.
 *
 * User space widens "allowed" to old|new before it starts a transition
 * from patch old to patch new (insmod, disable), and narrows it to the
 * patch left active only after the transition has ended (no patch reads
 * 1 in "transition").  A value may therefore be checked against a mask
 * read just before the call or just after it: a value of the old state
 * passes the mask from before a narrowing, a value of the new state the
 * mask from after a widening.
 *
 * Preemption stays disabled from the first read to the second, so that
 * no more than one such mask change can fall between them: this task
 * cannot change its patch state meanwhile (only a task that is not
 * running is switched by others, and this one switches itself in
 * cond_resched() only), and a transition cannot complete meanwhile, since
 * klp_complete_transition() waits in klp_synchronize_transition() for
 * every CPU to schedule.  A thread preempted between the reads for a
 * whole transition could otherwise see a value of a patch that neither
 * mask lists.
 */
static void klp_stress_check(unsigned int n, unsigned int v,
			     unsigned int before, unsigned int after)
{
	if (klp_stress_legal(n, v, before) || klp_stress_legal(n, v, after))
		return;

	if (atomic_long_inc_return(&bad) != 1)
		return;
	if (n == KLP_STRESS_WAIT)
		pr_err("test_klp_stress_wait() returned %#x, illegal for allowed=%#x (before the call) and %#x (after)\n",
		       v, before, after);
	else
		pr_err("test_klp_stress_f%u() returned %#x, illegal for allowed=%#x (before the call) and %#x (after)\n",
		       n, v, before, after);
}

static void klp_stress_call(unsigned int n)
{
	unsigned int before, after, v;

	preempt_disable();
	before = READ_ONCE(allowed);
	v = klp_stress_funcs[n]();
	after = READ_ONCE(allowed);
	preempt_enable();

	klp_stress_check(n, v, before, after);
}

/*
 * Call fN once with preemption enabled and check its value if the masks
 * read around it still tell which versions it may have run.
 *
 * The version fN runs is fixed at its entry, and the mask at that moment
 * lists it (user space widens before a transition begins and narrows after
 * it ends).  Preempted, this task may see the mask change several times
 * between its two reads, a widening, a whole transition and a narrowing,
 * and then neither read is the mask at the entry.  With at most one write
 * overlapping the reads, the mask at the entry is one of the two.  The
 * seqcount counts the writes: from its even value at the first read, it
 * goes up by 2 per write begun since.  The smp_rmb()s pair with the
 * barriers of write_seqcount_begin()/_end() in klp_stress_allowed_set().
 */
static void klp_stress_call_preemptible(unsigned int n)
{
	unsigned int before, after, v, s1, s2;

	s1 = raw_read_seqcount(&allowed_seq) & ~1U;
	smp_rmb();
	before = READ_ONCE(allowed);
	v = klp_stress_funcs[n]();
	after = READ_ONCE(allowed);
	smp_rmb();
	s2 = raw_read_seqcount(&allowed_seq);

	if (s2 - s1 > 2) {
		atomic_long_inc(&unchecked);
		return;
	}
	klp_stress_check(n, v, before, after);
}

/*
 * The holder may sleep in test_klp_stress_wait(), so it cannot disable
 * preemption around the call.  It runs SCHED_FIFO instead, so that no
 * ordinary task preempts it between a mask read and the call's entry or
 * return: the version it runs is chosen at the entry, and its patch state
 * cannot change while it is in the function (every transition changes
 * test_klp_stress_wait(), and livepatch does not switch a task that is in
 * a function being changed).
 */
static int klp_stress_holder(void *data)
{
	unsigned int before, after, v;

	while (!kthread_should_stop()) {
		before = READ_ONCE(allowed);
		WRITE_ONCE(holding, READ_ONCE(hold));
		v = test_klp_stress_wait(&hold);
		WRITE_ONCE(holding, 0);
		after = READ_ONCE(allowed);
		klp_stress_check(KLP_STRESS_WAIT, v, before, after);
		atomic_long_inc(&calls);
		usleep_range(5000, 6000);
	}
	return 0;
}

static int klp_stress_thread(void *data)
{
	u64 busy_until = local_clock() + (u64)busy_us * NSEC_PER_USEC;
	bool preemptible = data;
	unsigned int n;

	while (!kthread_should_stop()) {
		for (n = 0; n < KLP_STRESS_NFUNCS; n++) {
			if (preemptible)
				klp_stress_call_preemptible(n);
			else
				klp_stress_call(n);
		}
		atomic_long_add(KLP_STRESS_NFUNCS, &calls);

		/*
		 * cond_resched() is where livepatch switches a busy kthread
		 * to the new patch state (klp_sched_try_switch()).  The
		 * _tasks_rcu_qs variant also reports a quiescent state to
		 * RCU-tasks: with pause_us=0 this thread never sleeps, so
		 * without it every synchronize_rcu_tasks() (ftrace waits for
		 * one when it removes a livepatch ftrace_ops) would wait for
		 * it forever.  See trace_benchmark.c.
		 */
		cond_resched_tasks_rcu_qs();

		/*
		 * Optionally sleep now and then: a sleeping thread is switched
		 * by livepatch's stack check instead, and an idle CPU answers
		 * IPIs at once (an emulated one, such as QEMU TCG's, otherwise
		 * only when its time slice ends).
		 */
		if (pause_us && time_after64(local_clock(), busy_until)) {
			usleep_range(pause_us, pause_us + pause_us / 4);
			busy_until = local_clock() + (u64)busy_us * NSEC_PER_USEC;
		}
	}
	return 0;
}

static struct task_struct **klp_stress_threads;
static struct task_struct *klp_stress_holder_thread;

static void klp_stress_stop_threads(int count)
{
	int i;

	WRITE_ONCE(hold, 0);
	if (klp_stress_holder_thread)
		kthread_stop(klp_stress_holder_thread);
	klp_stress_holder_thread = NULL;
	for (i = 0; i < count; i++)
		kthread_stop(klp_stress_threads[i]);
	kfree(klp_stress_threads);
	klp_stress_threads = NULL;
}

static int test_klp_stress_mod_init(void)
{
	struct task_struct *t;
	int i;

	if (nthreads < 1 || nthreads > KLP_STRESS_MAX_THREADS ||
	    npreempt < 0 || npreempt > KLP_STRESS_MAX_THREADS ||
	    pause_us < 0 || busy_us < 0)
		return -EINVAL;

	klp_stress_threads = kcalloc(nthreads + npreempt,
				     sizeof(*klp_stress_threads), GFP_KERNEL);
	if (!klp_stress_threads)
		return -ENOMEM;

	for (i = 0; i < nthreads + npreempt; i++) {
		if (i < nthreads)
			t = kthread_run(klp_stress_thread, NULL,
					"klp_stress/%d", i);
		else
			t = kthread_run(klp_stress_thread, (void *)1,
					"klp_stress/p%d", i - nthreads);
		if (IS_ERR(t)) {
			klp_stress_stop_threads(i);
			return PTR_ERR(t);
		}
		klp_stress_threads[i] = t;
	}

	t = kthread_create(klp_stress_holder, NULL, "klp_stress/hold");
	if (IS_ERR(t)) {
		klp_stress_stop_threads(nthreads + npreempt);
		return PTR_ERR(t);
	}
	sched_set_fifo_low(t);
	klp_stress_holder_thread = t;
	wake_up_process(t);

	pr_info("%d+%d threads calling test_klp_stress_f0() .. f%d(), pause_us=%d busy_us=%d allowed=%#x\n",
		nthreads, npreempt, KLP_STRESS_NFUNCS - 1, pause_us, busy_us,
		READ_ONCE(allowed));
	return 0;
}

static void test_klp_stress_mod_exit(void)
{
	klp_stress_stop_threads(nthreads + npreempt);
	pr_info("calls=%ld bad=%ld unchecked=%ld\n",
		atomic_long_read(&calls), atomic_long_read(&bad),
		atomic_long_read(&unchecked));
}

module_init(test_klp_stress_mod_init);
module_exit(test_klp_stress_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch test: target of the replace stress test");
