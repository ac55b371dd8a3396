"""Changes to published shipments by staff who may not publish: held until an editor approves.

The change form, the status actions and the import hold such a change as a
`PendingChange` instead of writing it, so the public keeps seeing the last
approved version. An editor approves (the change is applied as submitted,
unless the shipment changed since) or rejects it.
"""

from decimal import Decimal

from django import forms
from django.db import models, transaction
from django.http import QueryDict

from shipments.models import PendingChange, Shipment

PUBLISH_PERMISSION = "shipments.publish_shipment"
EMPTY = "(empty)"
# Sent with every form, meaningless once it has been checked.
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother"}


# Holding a change ----------------------------------------------------------


def hold_edit(request, form, formsets):
    """Keep a validated change-form submission for review; returns the PendingChange."""
    shipment = form.instance
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
    return PendingChange.objects.create(
        shipment_id=shipment.pk,
        kind=PendingChange.Kind.EDIT,
        data=data,
        summary=describe_edit(form, formsets),
        based_on_version=form.cleaned_data.get("loaded_version")
        or Shipment.objects.get(pk=shipment.pk).version,
        submitted_by=request.user,
    )


def hold_status(shipments, status, user):
    """Keep a status change of each of `shipments` for review; returns the PendingChanges."""
    new_label = Shipment.Status(status).label
    return [
        PendingChange.objects.create(
            shipment=shipment,
            kind=PendingChange.Kind.STATUS,
            data={"status": status},
            summary=f"Status: {shipment.get_status_display()} → {new_label}",
            based_on_version=shipment.version,
            submitted_by=user,
        )
        for shipment in shipments
    ]


def hold_import(shipment, headers, rows, summary, user):
    """Keep what an import would change in `shipment`: its rows of the file, for review."""
    return PendingChange.objects.create(
        shipment=shipment,
        kind=PendingChange.Kind.IMPORT,
        data={"headers": list(headers), "rows": rows},
        summary=summary,
        based_on_version=shipment.version,
        submitted_by=user,
    )


def submitted_form(pending):
    """The form data of a held edit, as the browser sent it."""
    data = QueryDict(mutable=True)
    for key, values in pending.data.items():
        data.setlist(key, values)
    return data


# Describing a change --------------------------------------------------------


def describe_edit(form, formsets):
    """What a change-form submission changes, in words: "status: Delivered → Cancelled; ..."."""
    parts = changed_fields(form)
    for formset in formsets:
        counts = {"added": 0, "removed": 0}
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                counts["removed"] += inline_form.instance.pk is not None
            elif inline_form.has_changed() and inline_form.instance.pk is None:
                counts["added"] += 1
            elif inline_form.has_changed():
                # Each change to a stored row, named by the row: what an editor must see.
                row = str(inline_form.initial.get("description") or inline_form.instance)
                parts.extend(f"{row}: {change}" for change in changed_fields(inline_form))
        done = [f"{count} {what}" for what, count in counts.items() if count]
        if done:
            parts.append(f"{formset.model._meta.verbose_name_plural}: {', '.join(done)}")
    return "; ".join(parts) or "no change"


def changed_fields(form):
    """ "Label: before → after" for each field of `form` the submission changes."""
    changes = []
    for name in form.changed_data:
        field = form.fields[name]
        if isinstance(field.widget, forms.HiddenInput):
            continue
        before = shown(field, form.initial.get(name))
        after = shown(field, form.cleaned_data.get(name))
        changes.append(f"{field.label or name}: {before} → {after}")
    return changes


def shown(field, value):
    """A field's value as staff read it."""
    if value in (None, "", [], ()):
        return EMPTY
    if isinstance(field, forms.ModelMultipleChoiceField):
        if not all(isinstance(item, models.Model) for item in value):
            value = field.queryset.filter(pk__in=value)
        return "; ".join(sorted(str(item) for item in value)) or EMPTY
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, models.Model):
            value = field.queryset.filter(pk=value).first()
        return str(value) if value is not None else EMPTY
    if isinstance(value, float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    choices = dict(getattr(field, "choices", ()))
    return str(choices.get(value, value))


def form_errors(form, formsets):
    """The errors of a form and its inlines, as lines of text."""
    lines = [
        f"{form.fields[name].label if name in form.fields else name}: {error}"
        for name, errors in form.errors.items()
        for error in errors
    ]
    for formset in formsets:
        lines.extend(str(error) for error in formset.non_form_errors())
        for inline_form in formset.forms:
            for name, errors in inline_form.errors.items():
                lines.extend(f"{formset.model._meta.verbose_name} {name}: {e}" for e in errors)
    return lines


# Deciding -------------------------------------------------------------------


def decide(pending, approve, user, apply_held):
    """Approve (apply) or reject one held change; returns its state afterwards.

    `apply_held(pending)` applies a held form edit or import, as the staff
    tool does, and returns its errors. A change already decided (say, by
    another editor meanwhile) is left alone.
    """
    with transaction.atomic():
        pending = PendingChange.objects.select_for_update().get(pk=pending.pk)
        if pending.state != PendingChange.State.PENDING:
            return pending.state
        if not approve:
            pending.decide(PendingChange.State.REJECTED, user)
            return pending.state
        current = Shipment.objects.select_for_update().get(pk=pending.shipment_id)
        if current.version != pending.based_on_version:
            pending.decide(
                PendingChange.State.OUTDATED,
                user,
                "The shipment changed after this was submitted; it was not applied.",
            )
            return pending.state
        errors = apply(pending, user, apply_held)
        if errors:
            pending.decide(PendingChange.State.OUTDATED, user, "\n".join(errors))
        else:
            pending.decide(PendingChange.State.APPROVED, user)
        return pending.state


def apply(pending, user, apply_held):
    if pending.kind == PendingChange.Kind.STATUS:
        Shipment.objects.filter(pk=pending.shipment_id).mark(pending.data["status"], user=user)
        return []
    return apply_held(pending)
