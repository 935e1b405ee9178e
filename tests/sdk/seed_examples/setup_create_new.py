# The seed's setup(Settings(reinit="create_new")) overview, with its `for ...:` and
# do_experiment() placeholders filled in by the smallest runnable choice.
import wandb

wandb.setup(wandb.Settings(reinit="create_new"))


results = iter(range(3))


def do_experiment(run):
    run.log({"loss": 1.0})
    return {"result": next(results)}


def experiments():
    yield from range(3)


with wandb.init() as experiment_results_run:
   for _ in experiments():
      with wandb.init() as run:
         # The do_experiment() function logs fine-grained metrics
         # to the given run and then returns result metrics that
         # you want to track separately.
         experiment_results = do_experiment(run)

         # After each experiment, log its results to a parent
         # run. Each point in the parent run's charts corresponds
         # to one experiment's results.
         experiment_results_run.log(experiment_results)
