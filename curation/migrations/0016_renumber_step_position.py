# Issue 16 (the edit path): a split near the start of a long draft renumbered every step after it
# (`index = index + 1`, a new version of ~800 rows in every index of the table), so an edit cost
# two to three times more near the start than near the end. `Step.index` becomes `Step.position`,
# a sort key with room between any two values: a split puts its new step between its neighbours
# and touches no other row. A step's index (0..n-1) is its rank, counted where it is read.
#
# The values are kept (0, 1, 2, ... are valid positions), so no data changes; on PostgreSQL the
# type change rewrites the table once (seconds at millions of steps). The unique index is dropped
# before the rewrite and built once after it, on the new column.

import django.db.models.constraints
from django.db import migrations, models


def number_by_rank(apps, schema_editor):
    """Going back: every position becomes its step's index again (0..n-1 per segmentation), so
    the integer column gets whole, dense values. The unique constraint is deferred (PostgreSQL)
    or absent (SQLite) while the statement runs; PostgreSQL then checks it at once, as it must
    before the table is altered in the same transaction."""
    schema_editor.execute(
        "UPDATE curation_step SET position = ranked.rank FROM (SELECT id, ROW_NUMBER() OVER"
        " (PARTITION BY segmentation_id ORDER BY position) - 1 AS rank FROM curation_step) ranked"
        " WHERE curation_step.id = ranked.id AND curation_step.position <> ranked.rank"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0015_split_step_segmentation_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='step',
            name='unique_step_index',
        ),
        migrations.RenameField(
            model_name='step',
            old_name='index',
            new_name='position',
        ),
        migrations.AlterField(
            model_name='step',
            name='position',
            field=models.FloatField(),
        ),
        migrations.AddConstraint(
            model_name='step',
            constraint=models.UniqueConstraint(
                deferrable=django.db.models.constraints.Deferrable['DEFERRED'],
                fields=('segmentation', 'position'), name='unique_step_index',
            ),
        ),
        migrations.AlterModelOptions(
            name='step',
            options={'ordering': ['segmentation_id', 'position']},
        ),
        migrations.RunPython(migrations.RunPython.noop, number_by_rank, elidable=False),
    ]
