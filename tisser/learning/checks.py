"""A Django system check: the server refuses to start on a broken learning module."""

from django.core import checks


@checks.register("tisser")
def module_content(app_configs, **kwargs):
    from tisser.exercises.content import check_directory
    from tisser.learning.content import check_with_items

    report = check_with_items(check_directory())
    return [
        checks.Error(problem, hint="manage.py check_content", id="learning.E001")
        for problem in report.problems
    ]
