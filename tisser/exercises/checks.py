"""A Django system check: the server refuses to start on a broken exercise file."""

from django.core import checks


@checks.register("tisser")
def exercise_content(app_configs, **kwargs):
    from tisser.exercises.content import check_directory

    report = check_directory()
    return [
        checks.Error(problem, hint="manage.py check_content", id="exercises.E001")
        for problem in report.problems
    ]
