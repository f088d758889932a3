"""A Django system check: the server refuses to start on a broken skills framework or form."""

from django.core import checks


@checks.register("tisser")
def skills_content(app_configs, **kwargs):
    from tisser.diagnostics.framework import check_with_items
    from tisser.exercises.content import check_directory

    report = check_with_items(check_directory())
    return [
        checks.Error(problem, hint="manage.py check_content", id="diagnostics.E001")
        for problem in report.problems
    ]
