from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The staff area's pages that compose several domains: the home page, the journal."""

    name = "tisser.workspace"
    label = "workspace"
    verbose_name = "Espace professionnel"
