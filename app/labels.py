"""Everything the workshop page says, in Spanish, Portuguese and English.

Workshops run in Spanish- and Portuguese-speaking rooms, so every word on the page comes
from here; a test checks that each text has all three languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from barrio.app.help import HELP_TEXT
from barrio.experiments.vocabulary import CHART_TITLES, SCENARIO_TITLES, scenario_title

__all__ = ["LANGUAGES", "PAGE_LEVERS", "SCENARIO_TITLES", "TEXT", "PageLever", "say", "scenario_title"]

#: Languages the page offers: code (shown on the language switch) -> name.
LANGUAGES: dict[str, str] = {"es": "Español", "pt": "Português", "en": "English"}

#: key -> {language code -> text}.
TEXT: dict[str, dict[str, str]] = {
    "title": {
        "es": "Barrio: el microtráfico en un barrio",
        "pt": "Barrio: o microtráfico em um bairro",
        "en": "Barrio: drug micro-trafficking in a neighbourhood",
    },
    "scenario": {"es": "Escenario de partida", "pt": "Cenário de partida", "en": "Starting scenario"},
    "compare": {"es": "Comparar con", "pt": "Comparar com", "en": "Compare with"},
    "side_by_side": {"es": "Lado a lado", "pt": "Lado a lado", "en": "Side by side"},
    "play": {"es": "Iniciar", "pt": "Iniciar", "en": "Play"},
    "pause": {"es": "Pausa", "pt": "Pausar", "en": "Pause"},
    "step": {"es": "Un mes", "pt": "Um mês", "en": "One month"},
    "reset": {"es": "Reiniciar", "pt": "Reiniciar", "en": "Reset"},
    "full": {
        "es": "**La página está llena**: ya la usan {limit} personas a la vez, el máximo de este "
        "servidor. Vuelva a intentarlo en un minuto (recargue la página), o pida a quien la "
        "presenta que cierre las pestañas que no usa.",
        "pt": "**A página está cheia**: já está sendo usada por {limit} pessoas ao mesmo tempo, o "
        "máximo deste servidor. Tente de novo em um minuto (recarregue a página), ou peça a quem "
        "apresenta que feche as abas que não usa.",
        "en": "**The page is full**: {limit} people are using it at once, this server's limit. Try "
        "again in a minute (reload the page), or ask the facilitator to close the tabs no one uses.",
    },
    "full_address": {
        "es": "**Demasiadas páginas abiertas desde esta red**: {per_address} páginas ya llegan desde "
        "la misma dirección, el máximo de este servidor para una sola dirección (así nadie puede ocupar "
        "todos los lugares). Cierre las pestañas que no usa y recargue la página.",
        "pt": "**Páginas demais abertas desta rede**: {per_address} páginas já vêm do mesmo endereço, o "
        "máximo deste servidor para um só endereço (assim ninguém ocupa todos os lugares). Feche as "
        "abas que não usa e recarregue a página.",
        "en": "**Too many pages open from this network**: {per_address} pages already come from the "
        "same address, this server's limit for one address (so that no one can take every place). "
        "Close the tabs no one uses and reload the page.",
    },
    "preparing": {
        "es": "Preparando el barrio (dos años de historia)…",
        "pt": "Preparando o bairro (dois anos de história)…",
        "en": "Preparing the neighbourhood (two years of history)…",
    },
    "time": {
        "es": "Año {years}, mes {months} (semana {week})",
        "pt": "Ano {years}, mês {months} (semana {week})",
        "en": "Year {years}, month {months} (week {week})",
    },
    "finished": {"es": "Fin del periodo", "pt": "Fim do período", "en": "End of the period"},
    "enforcement": {"es": "Control y castigo", "pt": "Repressão e punição", "en": "Enforcement"},
    "inclusion": {"es": "Inclusión social", "pt": "Inclusão social", "en": "Social inclusion"},
    "levers_note": {
        "es": "Los cambios rigen desde ahora; «Reiniciar» vuelve a empezar con ellos.",
        "pt": "As mudanças valem a partir de agora; «Reiniciar» recomeça com elas.",
        "en": "Changes apply from now on; Reset starts again with them.",
    },
    "with_changes": {
        "es": "con los cambios de la sala",
        "pt": "com as mudanças da sala",
        "en": "with the room's changes",
    },
    "this_run": {"es": "Esta simulación", "pt": "Esta simulação", "en": "This run"},
    "seed": {"es": "semilla", "pt": "semente", "en": "seed"},
    "layer": {"es": "Capa del mapa", "pt": "Camada do mapa", "en": "Map layer"},
    "layer_territory": {"es": "Territorio", "pt": "Território", "en": "Territory"},
    "layer_demand": {"es": "Demanda de drogas", "pt": "Demanda de drogas", "en": "Drug demand"},
    "layer_presence": {"es": "Presencia del Estado", "pt": "Presença do Estado", "en": "State presence"},
    "layer_trust": {"es": "Confianza en el Estado", "pt": "Confiança no Estado", "en": "Trust in the state"},
    "legend_group": {
        "es": "territorio de un grupo",
        "pt": "território de um grupo",
        "en": "a group's territory",
    },
    "legend_sellers": {"es": "vendedores", "pt": "vendedores", "en": "sellers"},
    "legend_police": {"es": "policía", "pt": "polícia", "en": "police"},
    "legend_community": {"es": "policía comunitaria", "pt": "polícia comunitária", "en": "community police"},
    "legend_soldiers": {"es": "militares", "pt": "militares", "en": "soldiers"},
    "legend_incidents": {
        "es": "violencia de las últimas semanas",
        "pt": "violência das últimas semanas",
        "en": "violence of recent weeks",
    },
    "legend_low_high": {"es": "bajo → alto", "pt": "baixo → alto", "en": "low → high"},
    "language": {"es": "Idioma", "pt": "Idioma", "en": "Language"},
    "control_refused": {
        "es": "el navegador envió un valor que este control no admite; sigue el que estaba en uso.",
        "pt": "o navegador enviou um valor que este controle não aceita; segue o que estava em uso.",
        "en": "the browser sent a value this control does not take; the one in use stays.",
    },
    "error_levers": {
        "es": "Ese valor no es posible:",
        "pt": "Esse valor não é possível:",
        "en": "That value is not possible:",
    },
    # Units.
    "unit_percent": {"es": "%", "pt": "%", "en": "%"},
    "unit_percent_units": {"es": "% de las patrullas", "pt": "% das viaturas", "en": "% of units"},
    "unit_percent_police": {
        "es": "% de la policía",
        "pt": "% da polícia",
        "en": "% of police units",
    },
    "unit_per_10k": {
        "es": "por 10.000 habitantes",
        "pt": "por 10 mil habitantes",
        "en": "per 10,000 residents",
    },
    "unit_percent_week": {
        "es": "% por grupo y semana",
        "pt": "% por grupo e semana",
        "en": "% per group a week",
    },
    "unit_years": {"es": "años", "pt": "anos", "en": "years"},
    "unit_kusd_week": {"es": "mil USD por semana", "pt": "mil USD por semana", "en": "thousand USD a week"},
    "unit_usd_week": {"es": "USD por semana", "pt": "USD por semana", "en": "USD a week"},
    "unit_yes_no": {"es": "sí / no", "pt": "sim / não", "en": "yes / no"},
    "yes": {"es": "sí", "pt": "sim", "en": "yes"},
    "no": {"es": "no", "pt": "não", "en": "no"},
}


@dataclass(frozen=True)
class PageLever:
    """How the page shows one lever: where, under what name, in what unit and range.

    Attributes:
        key: The control's id on the page (its element has the class ``lever-KEY``) and the
            key of its label in :data:`TEXT`.
        section: ``"enforcement"`` or ``"inclusion"``: the group it is shown in.
        unit: A display unit of :mod:`app.controls` (``DISPLAY_UNITS``): the unit the room
            reads, and with it the conversion to the model's unit. Its words are
            ``TEXT["unit_" + unit]``.
        label: The lever's name, in every language of :data:`LANGUAGES`.
        low: Smallest value of the slider, in the display unit (a switch has none).
        high: Largest value of the slider, in the display unit.
        step: The slider's step, in the display unit.
    """

    key: str
    section: str
    unit: str
    label: dict[str, str]
    low: float = 0.0
    high: float = 100.0
    step: float = 5.0


#: The levers on the page, in the order shown, by the lever's dotted path (`barrio levers`).
#: Slider ranges are what a workshop needs, narrower than what the model accepts; a value
#: from a scenario file beyond them widens the slider.
PAGE_LEVERS: dict[str, PageLever] = {
    "policing.punitive_intensity": PageLever(
        key="punitive_intensity",
        section="enforcement",
        unit="percent",
        low=0,
        high=100,
        step=5,
        label={
            "es": "Probabilidad de arresto de un vendedor encontrado por la policía",
            "pt": "Chance de prisão de um vendedor abordado pela polícia",
            "en": "Chance a seller met by police is arrested",
        },
    ),
    "policing.units_per_10k": PageLever(
        key="units",
        section="enforcement",
        unit="per_10k",
        low=0,
        high=30,
        step=1,
        label={"es": "Patrullas de policía", "pt": "Viaturas de polícia", "en": "Police patrol units"},
    ),
    "policing.soldiers_per_10k": PageLever(
        key="soldiers",
        section="enforcement",
        unit="per_10k",
        low=0,
        high=20,
        step=1,
        label={"es": "Militares en las calles", "pt": "Militares nas ruas", "en": "Soldiers on the streets"},
    ),
    "policing.hot_spots": PageLever(
        key="hot_spots",
        section="enforcement",
        unit="percent_units",
        low=0,
        high=100,
        step=5,
        label={
            "es": "Patrullaje de puntos calientes",
            "pt": "Patrulha de pontos quentes",
            "en": "Hot-spot patrols",
        },
    ),
    "policing.focused_deterrence": PageLever(
        key="focused_deterrence",
        section="enforcement",
        unit="percent_units",
        low=0,
        high=100,
        step=5,
        label={
            "es": "Disuasión focalizada en grupos violentos",
            "pt": "Dissuasão focada em grupos violentos",
            "en": "Focused deterrence on violent groups",
        },
    ),
    "policing.community": PageLever(
        key="community",
        section="enforcement",
        unit="percent_police",
        low=0,
        high=100,
        step=5,
        label={"es": "Policía comunitaria", "pt": "Policiamento comunitário", "en": "Community policing"},
    ),
    "policing.kingpin": PageLever(
        key="kingpin",
        section="enforcement",
        unit="percent_week",
        low=0,
        high=10,
        step=0.5,
        label={
            "es": "Captura de jefes de grupo",
            "pt": "Captura de chefes de grupo",
            "en": "Arrests of group leaders",
        },
    ),
    "policing.financial": PageLever(
        key="financial",
        section="enforcement",
        unit="percent_week",
        low=0,
        high=10,
        step=0.5,
        label={
            "es": "Investigación financiera de los grupos",
            "pt": "Investigação financeira dos grupos",
            "en": "Financial investigation of groups",
        },
    ),
    "justice.pretrial_detention": PageLever(
        key="pretrial",
        section="enforcement",
        unit="percent",
        low=0,
        high=100,
        step=5,
        label={
            "es": "Arrestados enviados a prisión preventiva",
            "pt": "Detidos mantidos em prisão preventiva",
            "en": "Arrested adults held before trial",
        },
    ),
    "justice.sentence_weeks": PageLever(
        key="sentence",
        section="enforcement",
        unit="years",
        low=0.5,
        high=10,
        step=0.5,
        label={
            "es": "Condena por venta al menudeo",
            "pt": "Pena por venda no varejo",
            "en": "Prison sentence for small-scale selling",
        },
    ),
    "policing.arrest_possession": PageLever(
        key="possession",
        section="enforcement",
        unit="yes_no",
        label={
            "es": "Arrestar también a consumidores",
            "pt": "Prender também usuários",
            "en": "Arrest drug users too",
        },
    ),
    "programmes.cash.budget_week": PageLever(
        key="cash",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=50,
        step=1,
        label={
            "es": "Transferencias a familias pobres",
            "pt": "Transferências a famílias pobres",
            "en": "Cash transfers to poor families",
        },
    ),
    "programmes.cash.amount": PageLever(
        key="cash_amount",
        section="inclusion",
        unit="usd_week",
        low=0,
        high=100,
        step=5,
        label={"es": "Monto por familia", "pt": "Valor por família", "en": "Amount per family"},
    ),
    "programmes.jobs.budget_week": PageLever(
        key="jobs",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=50,
        step=1,
        label={
            "es": "Empleo para jóvenes (18-29)",
            "pt": "Emprego para jovens (18-29)",
            "en": "Jobs for young people (18-29)",
        },
    ),
    "programmes.school.budget_week": PageLever(
        key="school",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=20,
        step=1,
        label={
            "es": "Retención escolar (12-17)",
            "pt": "Permanência na escola (12-17)",
            "en": "Keeping teenagers in school (12-17)",
        },
    ),
    "programmes.penal.budget_week": PageLever(
        key="penal",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=20,
        step=1,
        label={
            "es": "Alternativas a la cárcel",
            "pt": "Alternativas à prisão",
            "en": "Alternatives to prison",
        },
    ),
    "programmes.reentry.budget_week": PageLever(
        key="reentry",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=20,
        step=1,
        label={
            "es": "Empleo al salir de la cárcel",
            "pt": "Emprego ao sair da prisão",
            "en": "Jobs after prison",
        },
    ),
    "programmes.women.budget_week": PageLever(
        key="women",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=20,
        step=1,
        label={
            "es": "Programa para mujeres (ingreso, cuidado, empleo)",
            "pt": "Programa para mulheres (renda, cuidado, emprego)",
            "en": "Programme for women (income, childcare, jobs)",
        },
    ),
    "programmes.presence.budget_week": PageLever(
        key="presence_programme",
        section="inclusion",
        unit="kusd_week",
        low=0,
        high=20,
        step=1,
        label={
            "es": "Servicios del Estado en las cuadras olvidadas",
            "pt": "Serviços do Estado nas quadras esquecidas",
            "en": "State services on neglected blocks",
        },
    ),
    "neighbourhood.state_presence": PageLever(
        key="state_presence",
        section="inclusion",
        unit="percent",
        low=0,
        high=100,
        step=5,
        label={"es": "Presencia del Estado", "pt": "Presença do Estado", "en": "State presence"},
    ),
}

# Each lever's label is a text like any other (``say("units", "pt")``).
TEXT.update({lever.key: lever.label for lever in PAGE_LEVERS.values()})
# The charts are named for the outcomes they draw, as the batch report names them.
TEXT.update(CHART_TITLES)
# Each lever's help and the words of the room's features (speed, events, maps), in app/help.py.
TEXT.update(HELP_TEXT)


def say(key: str, language: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English if the language is unknown), filled in."""
    text = TEXT[key].get(language, TEXT[key]["en"])
    return text.format(**values) if values else text
