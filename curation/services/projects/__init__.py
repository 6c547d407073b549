"""Projects: creating, configuring, archiving and purging one curation effort.

Entry points: ``create_project`` (its creator becomes lead), ``clean_settings`` /
``save_settings`` / ``change_settings`` (the one check of every setting, shared by the settings
page, the API and commands), ``archive_project``, ``restore_project``, ``purge_project``,
``require_active`` (raises ``ProjectArchived``: an archived project takes no new work).
"""
from curation.services.projects.lifecycle import (
    ProjectArchived, archive_project, create_project, purge_project, require_active,
    restore_project,
)
from curation.services.projects.settings import (
    SETTINGS, CleanSettings, SettingsError, change_settings, clean_settings, current_settings,
    relabel_steps, save_settings, steps_of_type,
)

__all__ = [
    "SETTINGS", "CleanSettings", "ProjectArchived", "SettingsError", "archive_project",
    "change_settings", "clean_settings", "create_project", "current_settings", "purge_project",
    "relabel_steps", "require_active", "restore_project", "save_settings", "steps_of_type",
]
