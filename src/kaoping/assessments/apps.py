from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kaoping.assessments"
    label = "assessments"

    def ready(self) -> None:
        # campaigns (a layer below) shows the submission progress on the campaign page through its hooks
        from kaoping.assessments.carry import carry_department_mapping
        from kaoping.assessments.progress import submission_progress
        from kaoping.campaigns import hooks

        hooks.provide_submission_progress(submission_progress)

        # a self-assessment deadline reminds the units that have not submitted (kaoping.campaigns.reminders)
        from kaoping.assessments.progress import waiting_units
        from kaoping.campaigns import reminders

        reminders.provide_waiting_units(waiting_units)
        hooks.provide_carry_over("department_mapping", carry_department_mapping)
