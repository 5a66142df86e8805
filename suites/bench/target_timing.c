// SPDX-License-Identifier: GPL-2.0
/*
 * Per-call timing, appended by suites/bench/gen.py to klp_bench_target_10.c (not
 * a module by itself). gen.py also generates klp_bench_call(i, n): n direct
 * calls of klp_bench_f10_<i>() (i = 0: klp_bench_f10_unpatched()).
 *
 * measure=<i>      time ncalls calls from the writing task
 * hold=1 / hold=0  start / stop a kthread that sleeps in klp_bench_f10_hold()
 * hold_measure=<i> the same timing, run by that kthread
 * last_ns, last_total_ns, last_value: the last measurement
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/wait.h>

static unsigned long ncalls = 1000000;
module_param(ncalls, ulong, 0644);
MODULE_PARM_DESC(ncalls, "Calls per measurement (default 1000000)");
static unsigned long long last_ns, last_total_ns;
module_param(last_ns, ullong, 0444);
MODULE_PARM_DESC(last_ns, "Mean ns per call of the last measurement");
module_param(last_total_ns, ullong, 0444);
MODULE_PARM_DESC(last_total_ns, "ns of the last measurement's whole loop");
static int last_value;
module_param(last_value, int, 0444);
MODULE_PARM_DESC(last_value, "What the measured function returned last");

static int klp_bench_call(int i, unsigned long n);

static void klp_bench_measure(int i)
{
	unsigned long n = READ_ONCE(ncalls);
	u64 t0, t;

	t0 = ktime_get_ns();
	last_value = klp_bench_call(i, n);
	t = ktime_get_ns() - t0;
	last_total_ns = t;
	last_ns = n ? div64_ul(t, n) : 0;
}

static int klp_bench_index(const char *val, int *i)
{
	int ret = kstrtoint(val, 0, i);

	if (ret)
		return ret;
	return *i >= 0 && *i <= KLP_BENCH_N ? 0 : -EINVAL;
}

/* measure=<i>: time klp_bench_f10_<i>() (0: klp_bench_f10_unpatched()). */
static int klp_bench_measure_set(const char *val, const struct kernel_param *kp)
{
	int i, ret = klp_bench_index(val, &i);

	if (!ret)
		klp_bench_measure(i);
	return ret;
}

static const struct kernel_param_ops klp_bench_measure_ops = {
	.set = klp_bench_measure_set,
};
module_param_cb(measure, &klp_bench_measure_ops, NULL, 0200);
MODULE_PARM_DESC(measure, "Write i: time ncalls calls of klp_bench_f10_<i>()");

/*
 * A kthread that sleeps in klp_bench_f10_hold() holds open the transition
 * of any patch of that function: it cannot switch while the old version
 * is on its stack. hold_measure=<i> has it time klp_bench_f10_<i>() from
 * there, as a task that has not switched.
 */
static DECLARE_WAIT_QUEUE_HEAD(klp_bench_hold_wq);
static DECLARE_COMPLETION(klp_bench_hold_done);
static int klp_bench_hold_req = -1;
static struct task_struct *klp_bench_hold_task;

int klp_bench_f10_hold(void);
noinline __noipa int klp_bench_f10_hold(void)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(klp_bench_hold_wq,
					 READ_ONCE(klp_bench_hold_req) >= 0 ||
					 kthread_should_stop());
		if (READ_ONCE(klp_bench_hold_req) >= 0) {
			klp_bench_measure(klp_bench_hold_req);
			WRITE_ONCE(klp_bench_hold_req, -1);
			complete(&klp_bench_hold_done);
		}
	}
	return 0;
}

static int klp_bench_hold_fn(void *data)
{
	return klp_bench_f10_hold();
}

static void klp_bench_hold_stop(void)
{
	if (klp_bench_hold_task)
		kthread_stop(klp_bench_hold_task);
	klp_bench_hold_task = NULL;
}

/* hold=1: start the kthread; hold=0: stop it. */
static int klp_bench_hold_set(const char *val, const struct kernel_param *kp)
{
	struct task_struct *task;
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (!on) {
		klp_bench_hold_stop();
		return 0;
	}
	if (klp_bench_hold_task)
		return -EBUSY;
	task = kthread_run(klp_bench_hold_fn, NULL, "klp_bench_hold");
	if (IS_ERR(task))
		return PTR_ERR(task);
	klp_bench_hold_task = task;
	return 0;
}

static int klp_bench_hold_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%d\n", klp_bench_hold_task ?
			  task_pid_nr(klp_bench_hold_task) : 0);
}

static const struct kernel_param_ops klp_bench_hold_ops = {
	.set = klp_bench_hold_set,
	.get = klp_bench_hold_get,
};
module_param_cb(hold, &klp_bench_hold_ops, NULL, 0644);
MODULE_PARM_DESC(hold, "1: start the holding kthread, 0: stop it; reads its pid");

static int klp_bench_hold_measure_set(const char *val,
				      const struct kernel_param *kp)
{
	int i, ret = klp_bench_index(val, &i);

	if (ret)
		return ret;
	if (!klp_bench_hold_task)
		return -ESRCH;
	reinit_completion(&klp_bench_hold_done);
	WRITE_ONCE(klp_bench_hold_req, i);
	wake_up(&klp_bench_hold_wq);
	if (!wait_for_completion_timeout(&klp_bench_hold_done, 600 * HZ))
		return -ETIMEDOUT;
	return 0;
}

static const struct kernel_param_ops klp_bench_hold_measure_ops = {
	.set = klp_bench_hold_measure_set,
};
module_param_cb(hold_measure, &klp_bench_hold_measure_ops, NULL, 0200);
MODULE_PARM_DESC(hold_measure, "Write i: the holding kthread times klp_bench_f10_<i>()");

static void __exit klp_bench_exit(void)
{
	klp_bench_hold_stop();
}
module_exit(klp_bench_exit);
