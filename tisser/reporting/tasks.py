"""The task that prepares a PDF report asked for (``ReportRequest``). Its only argument is
the request's id: the queue holds no filters, no names, no figures."""

from django_tasks import task


@task()
def prepare_report(report_id: int) -> str:
    from tisser.reporting.reports import prepare

    return prepare(report_id)
