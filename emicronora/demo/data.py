"""The demo content, modelled on e-Micronora 2020: themes, the four themed days, speakers, webinars and pitch
sessions, companies and the demo accounts.

Times are Europe/Paris wall-clock times of the fair; `seed` anchors them on the first day it is given. The
people and companies are fictional; the laboratories and technical centres are the real actors of the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal

SessionKind = Literal["webinar", "pitch"]
B2BRole = Literal["buyer", "supplier", "both", ""]
AccountRole = Literal["organiser", "exhibitor", "buyer", "supplier", "attendee"]


@dataclass(frozen=True)
class ThemeData:
    slug: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class SpeakerData:
    key: str
    name: str
    affiliation: str
    bio: str


@dataclass(frozen=True)
class SessionData:
    start: time
    minutes: int
    title: str
    abstract: str
    speakers: tuple[str, ...]
    kind: SessionKind = "webinar"


@dataclass(frozen=True)
class CompanyData:
    key: str
    name: str
    country: str
    city: str
    website: str
    description: str
    sector: str
    b2b_role: B2BRole
    is_exhibitor: bool


@dataclass(frozen=True)
class AccountData:
    role: AccountRole
    email: str
    name: str
    company_key: str | None
    # Only for accounts without a company: what they typed as their organisation when registering.
    company_name: str = ""
    is_organiser: bool = False


# Theme positions follow this order.
THEMES: tuple[ThemeData, ...] = (
    ThemeData("laser", "Procédés laser", "Laser processes"),
    ThemeData("metrology", "Métrologie, mesure, contrôle", "Metrology, measurement and inspection"),
    ThemeData("micro-nano", "Micro et nanotechnologies", "Micro- and nanotechnologies"),
)

# The theme of each day of the fair, from the first day on (22-25 September 2020 in the original edition).
DAY_THEMES: tuple[str, ...] = ("laser", "metrology", "micro-nano", "micro-nano")

# Speaker positions follow this order.
SPEAKERS: tuple[SpeakerData, ...] = (
    SpeakerData(
        "dupre",
        "Élise Dupré",
        "ALPhANOV",
        "Ingénieure de recherche, elle développe des procédés de micro-usinage par laser à impulsions "
        "ultracourtes pour l'industrie médicale.",
    ),
    SpeakerData(
        "morel",
        "Antoine Morel",
        "IREPA Laser",
        "Responsable du pôle soudage, il accompagne depuis quinze ans les industriels dans l'assemblage "
        "laser de pièces sensibles.",
    ),
    SpeakerData(
        "lambert",
        "Nathalie Lambert",
        "CETIM",
        "Experte en fabrication additive métallique, elle pilote des projets de qualification de pièces "
        "pour l'aéronautique et le médical.",
    ),
    SpeakerData(
        "faivre",
        "Marc Faivre",
        "FEMTO-ST",
        "Professeur à l'université de Franche-Comté, il étudie l'interaction laser-matière et la "
        "fonctionnalisation des surfaces.",
    ),
    SpeakerData(
        "cuenot",
        "Stéphane Cuenot",
        "Lumicron Laser",
        "Directeur technique de Lumicron Laser, il conçoit des stations de micro-usinage et de marquage "
        "laser sur mesure.",
    ),
    SpeakerData(
        "bernard",
        "Camille Bernard",
        "LNE",
        "Métrologue au Laboratoire national de métrologie et d'essais, elle travaille sur la traçabilité "
        "des mesures dimensionnelles à l'échelle micrométrique.",
    ),
    SpeakerData(
        "rossier",
        "Luca Rossier",
        "CSEM",
        "Chef de projet en vision industrielle, il applique l'apprentissage profond au contrôle qualité "
        "en ligne de production.",
    ),
    SpeakerData(
        "nguyen",
        "Hélène Nguyen",
        "CEA-Leti",
        "Ingénieure en intégration de microsystèmes, elle est spécialiste du packaging des MEMS et des "
        "procédés de nano-impression.",
    ),
    SpeakerData(
        "guyon",
        "Pierre Guyon",
        "Microfluidis",
        "Cofondateur de Microfluidis, il industrialise des cartouches microfluidiques pour le diagnostic "
        "au plus près du patient.",
    ),
    SpeakerData(
        "jeanneret",
        "Aurélie Jeanneret",
        "Horlomeca SA",
        "Ingénieure horlogère, elle dirige le développement des composants d'échappement en silicium "
        "et en matériaux innovants.",
    ),
    SpeakerData(
        "girard",
        "Vincent Girard",
        "FEMTO-ST",
        "Chercheur en micro-robotique, il conçoit des systèmes de préhension et d'assemblage pour "
        "l'échelle micrométrique.",
    ),
    SpeakerData(
        "schmitt",
        "Julia Schmitt",
        "Calibrix Métrologie",
        "Responsable applications chez Calibrix Métrologie, elle met en œuvre la tomographie et la "
        "mesure tridimensionnelle chez les clients.",
    ),
    SpeakerData(
        "roux",
        "Isabelle Roux",
        "e-Micronora",
        "Chargée des programmes de l'événement, elle anime les sessions de pitch et les rencontres "
        "d'affaires du salon.",
    ),
)

# One tuple per day, in the order of DAY_THEMES; within a day, sessions in time order (their position).
PROGRAMME: tuple[tuple[SessionData, ...], ...] = (
    # Day 1: laser processes.
    (
        SessionData(
            time(9, 30),
            45,
            "Micro-usinage laser femtoseconde des stents médicaux",
            "Les lasers à impulsions femtosecondes découpent les alliages cobalt-chrome et nickel-titane "
            "sans zone affectée thermiquement. Ce webinaire présente les stratégies de découpe, la "
            "maîtrise des bavures et les contrôles exigés par la réglementation des dispositifs médicaux. "
            "Un retour d'expérience industriel illustre le passage du prototype à la série.",
            ("dupre", "cuenot"),
        ),
        SessionData(
            time(10, 30),
            60,
            "Soudage laser des boîtiers hermétiques en titane",
            "Les implants actifs et les capteurs embarqués exigent des boîtiers parfaitement étanches. "
            "Nous comparons les sources laser continues et pulsées pour le soudage du titane, le contrôle "
            "de l'atmosphère de protection et la vérification de l'herméticité par test hélium.",
            ("morel",),
        ),
        SessionData(
            time(11, 45),
            45,
            "Fabrication additive par fusion laser sur lit de poudre : des micro-pièces à la série",
            "La fusion laser sur lit de poudre permet aujourd'hui de produire des pièces aux détails "
            "inférieurs à 100 µm. Les intervenants détaillent le choix des poudres, les paramètres de "
            "fusion et le post-traitement. Ils abordent aussi la qualification des pièces pour "
            "l'aéronautique et le médical.",
            ("lambert", "dupre"),
        ),
        SessionData(
            time(14, 0),
            45,
            "Texturation de surface par laser ultrabref",
            "Structurer une surface à l'échelle micrométrique modifie sa mouillabilité, son frottement ou "
            "son adhérence sans ajouter de matière. Ce webinaire fait le point sur les structures "
            "périodiques induites par laser et sur leurs applications en horlogerie, en optique et pour "
            "les implants.",
            ("faivre",),
        ),
        SessionData(
            time(15, 0),
            60,
            "Marquage laser UDI et traçabilité des dispositifs médicaux",
            "L'identifiant unique des dispositifs médicaux impose un marquage permanent, lisible et "
            "résistant aux cycles de stérilisation. Nous présentons les procédés de marquage sans "
            "altération de la résistance à la corrosion et la vérification automatique des codes.",
            ("cuenot",),
        ),
        SessionData(
            time(16, 30),
            45,
            "Découpe laser du verre et du saphir pour l'horlogerie et l'optique",
            "Le saphir et les verres techniques se prêtent mal à l'usinage mécanique. La découpe par "
            "filamentation laser ouvre la voie à des glaces de montre et des composants optiques aux "
            "formes libres. Les intervenants comparent rendement, qualité de bord et coût par pièce.",
            ("jeanneret", "faivre"),
        ),
    ),
    # Day 2: metrology, measurement and inspection.
    (
        SessionData(
            time(9, 30),
            60,
            "La tomographie à rayons X au service de la métrologie dimensionnelle",
            "La tomographie mesure d'un seul passage les géométries internes et externes d'une pièce. "
            "Ce webinaire explique les sources d'incertitude, les étalons de référence et les bonnes "
            "pratiques pour obtenir des mesures traçables. Des exemples sur pièces de fabrication additive "
            "et assemblages plastiques illustrent la démarche.",
            ("bernard", "schmitt"),
        ),
        SessionData(
            time(10, 45),
            45,
            "Mesure tridimensionnelle de micro-pièces",
            "Mesurer une pièce de quelques millimètres avec une incertitude submicrométrique demande des "
            "palpeurs et des méthodes adaptés. Nous passons en revue les machines à mesurer "
            "tridimensionnelles dédiées, les micro-palpeurs et l'estimation de l'incertitude de mesure.",
            ("bernard",),
        ),
        SessionData(
            time(11, 45),
            45,
            "Inspection optique en ligne assistée par l'intelligence artificielle",
            "Les réseaux de neurones détectent des défauts d'aspect que les algorithmes classiques "
            "manquaient. L'intervenant présente la constitution des jeux d'images, l'intégration en ligne "
            "à cadence industrielle et la manière de garder la maîtrise des décisions de tri.",
            ("rossier",),
        ),
        SessionData(
            time(14, 0),
            90,
            "Pitch innovations : procédés laser et métrologie",
            "Huit entreprises présentent en cinq minutes chacune leur dernière innovation : source laser "
            "ultrabrève compacte, tête de soudage à oscillation, capteur confocal chromatique, logiciel "
            "de tomographie, banc d'inspection par vision. Chaque pitch est suivi de questions du public "
            "et peut déboucher sur un rendez-vous d'affaires.",
            ("roux",),
            kind="pitch",
        ),
        SessionData(
            time(16, 0),
            45,
            "Interférométrie et mesure d'état de surface à l'échelle nanométrique",
            "Les profilomètres optiques mesurent sans contact des rugosités de quelques nanomètres. Ce "
            "webinaire compare interférométrie à lumière blanche, microscopie confocale et variation de "
            "focale, et rappelle les paramètres surfaciques normalisés.",
            ("faivre", "schmitt"),
        ),
        SessionData(
            time(17, 0),
            45,
            "Contrôle non destructif des soudures laser",
            "Porosités, fissures et manques de pénétration doivent être détectés sans détruire la pièce. "
            "Nous présentons la thermographie active, la surveillance du bain de fusion en cours de "
            "soudage et leur corrélation avec les résultats de tomographie.",
            ("morel", "lambert"),
        ),
    ),
    # Day 3: micro- and nanotechnologies.
    (
        SessionData(
            time(9, 30),
            60,
            "Packaging des MEMS : herméticité, contraintes et fiabilité",
            "Le boîtier représente souvent la moitié du coût d'un MEMS. Ce webinaire présente le scellement "
            "sur tranche, la gestion des contraintes thermomécaniques et les essais de fiabilité. Il "
            "s'appuie sur des exemples de capteurs inertiels et de micro-miroirs.",
            ("nguyen",),
        ),
        SessionData(
            time(10, 45),
            45,
            "Microfluidique pour le diagnostic in vitro : du prototype à la production",
            "Une puce microfluidique conçue en laboratoire doit être repensée pour être produite à "
            "des millions d'exemplaires. Les intervenants abordent le choix des polymères, la micro-"
            "réplication, l'assemblage et le contrôle des canaux.",
            ("guyon", "girard"),
        ),
        SessionData(
            time(11, 45),
            45,
            "Lithographie par nano-impression : vers la production en volume",
            "La nano-impression reproduit des motifs de quelques dizaines de nanomètres à faible coût. "
            "Nous faisons le point sur les moules, les résines et les équipements, ainsi que sur les "
            "applications en optique diffractive et en biotechnologies.",
            ("nguyen",),
        ),
        SessionData(
            time(14, 0),
            45,
            "Micro-injection plastique de pièces de précision",
            "Engrenages de quelques dixièmes de millimètre, connecteurs et composants médicaux sont "
            "aujourd'hui micro-injectés. Ce webinaire traite de la conception des moules, du remplissage "
            "des micro-empreintes et du contrôle dimensionnel en production.",
            ("lambert", "schmitt"),
        ),
        SessionData(
            time(15, 0),
            60,
            "Micro-mécanique horlogère : silicium, LIGA et nouveaux matériaux",
            "Spiraux et roues d'échappement en silicium ou obtenus par procédé LIGA ont transformé la "
            "montre mécanique. L'intervenante présente les procédés de fabrication, les traitements de "
            "surface et les gains de précision chronométrique obtenus.",
            ("jeanneret",),
        ),
    ),
    # Day 4: micro- and nanotechnologies.
    (
        SessionData(
            time(9, 30),
            45,
            "Micro-assemblage robotisé et préhension à l'échelle micrométrique",
            "À l'échelle du micromètre, les forces d'adhésion dominent la gravité et compliquent la "
            "manipulation. Ce webinaire présente les micro-robots, les pinces et les stratégies de "
            "commande qui rendent l'assemblage automatique possible.",
            ("girard",),
        ),
        SessionData(
            time(10, 30),
            60,
            "Capteurs MEMS pour l'aéronautique et le spatial",
            "Centrales inertielles, capteurs de pression et micro-gyroscopes doivent résister aux "
            "vibrations, aux radiations et aux écarts de température. Nous présentons les exigences de "
            "qualification et les choix de conception qui en découlent.",
            ("nguyen", "girard"),
        ),
        SessionData(
            time(11, 45),
            45,
            "Couches minces et traitements de surface pour implants",
            "Un revêtement de quelques centaines de nanomètres améliore la biocompatibilité et la tenue "
            "à l'usure d'un implant. Les intervenants comparent dépôts physiques en phase vapeur, "
            "anodisation et texturation laser, et rappellent les essais exigés.",
            ("faivre", "dupre"),
        ),
        SessionData(
            time(14, 0),
            90,
            "Pitch innovations : micro et nanotechnologies",
            "Des jeunes pousses et des PME présentent leurs innovations en micro et nanotechnologies : "
            "cartouche microfluidique de diagnostic, micro-capteur de force, composant horloger en "
            "silicium, revêtement antibactérien nanostructuré. Le public vote pour son pitch préféré et "
            "peut demander un rendez-vous d'affaires à chaque entreprise.",
            ("roux",),
            kind="pitch",
        ),
        SessionData(
            time(16, 0),
            45,
            "Nano-objets en production : caractériser et maîtriser les risques",
            "Les nanomatériaux manufacturés imposent des précautions particulières en atelier. Ce "
            "webinaire présente les méthodes de caractérisation, la mesure des expositions et les bonnes "
            "pratiques de prévention.",
            ("bernard",),
        ),
    ),
)

COMPANIES: tuple[CompanyData, ...] = (
    CompanyData(
        "aviatec",
        "Aviatec Structures",
        "FR",
        "Toulouse",
        "https://aviatec-structures.example",
        "Équipementier aéronautique de rang 1, Aviatec Structures conçoit des ensembles mécaniques et des "
        "capteurs embarqués. L'entreprise recherche des sous-traitants en soudage laser et en contrôle.",
        "aeronautics",
        "buyer",
        False,
    ),
    CompanyData(
        "jurasud",
        "Jurasud Automotive",
        "FR",
        "Montbéliard",
        "https://jurasud-automotive.example",
        "Fournisseur de composants d'injection et de capteurs pour l'automobile, Jurasud Automotive "
        "source des pièces micro-usinées et des solutions de contrôle en ligne.",
        "automotive",
        "buyer",
        False,
    ),
    CompanyData(
        "ortholinea",
        "OrthoLinea Implants",
        "FR",
        "Lyon",
        "https://ortholinea.example",
        "Fabricant d'implants orthopédiques et rachidiens, OrthoLinea Implants cherche des partenaires en "
        "marquage laser, traitement de surface et métrologie.",
        "health",
        "buyer",
        False,
    ),
    CompanyData(
        "helvemed",
        "Helvemed Devices SA",
        "CH",
        "Neuchâtel",
        "https://helvemed.example",
        "Helvemed Devices conçoit des dispositifs médicaux actifs implantables et recherche des "
        "spécialistes du soudage hermétique et du packaging de microsystèmes.",
        "health",
        "buyer",
        False,
    ),
    CompanyData(
        "keller",
        "Keller Präzisionsmaschinen GmbH",
        "DE",
        "Stuttgart",
        "https://keller-praezision.example",
        "Constructeur de machines de production de précision, Keller intègre des sources laser et des "
        "systèmes de mesure dans ses lignes automatisées.",
        "equipment",
        "buyer",
        False,
    ),
    CompanyData(
        "lumicron",
        "Lumicron Laser",
        "FR",
        "Besançon",
        "https://lumicron-laser.example",
        "Lumicron Laser conçoit et fabrique des stations de micro-usinage, de découpe et de marquage par "
        "laser à impulsions ultracourtes. Elle réalise aussi des prestations de sous-traitance.",
        "laser",
        "supplier",
        True,
    ),
    CompanyData(
        "photonix",
        "Photonix Micro-usinage",
        "FR",
        "Pessac",
        "https://photonix-microusinage.example",
        "Sous-traitant spécialisé dans le perçage, la découpe et la texturation laser de précision pour "
        "le médical et l'aéronautique.",
        "laser",
        "supplier",
        True,
    ),
    CompanyData(
        "calibrix",
        "Calibrix Métrologie",
        "FR",
        "Besançon",
        "https://calibrix.example",
        "Laboratoire de métrologie dimensionnelle accrédité, Calibrix propose mesures tridimensionnelles, "
        "tomographie à rayons X et étalonnage sur site.",
        "metrology",
        "supplier",
        True,
    ),
    CompanyData(
        "inspectra",
        "Inspectra Vision",
        "BE",
        "Liège",
        "https://inspectra-vision.example",
        "Inspectra Vision développe des systèmes d'inspection optique en ligne fondés sur l'apprentissage "
        "profond pour les pièces de petite taille.",
        "metrology",
        "supplier",
        True,
    ),
    CompanyData(
        "nanoforma",
        "Nanoforma",
        "FR",
        "Grenoble",
        "https://nanoforma.example",
        "Nanoforma produit des microstructures et des nanostructures par nano-impression et dépôt de "
        "couches minces, du prototype à la petite série.",
        "micro-nano",
        "supplier",
        True,
    ),
    CompanyData(
        "microfluidis",
        "Microfluidis",
        "FR",
        "Besançon",
        "https://microfluidis.example",
        "Microfluidis conçoit et industrialise des puces et cartouches microfluidiques en polymère pour "
        "le diagnostic in vitro.",
        "micro-nano",
        "supplier",
        True,
    ),
    CompanyData(
        "horlomeca",
        "Horlomeca SA",
        "CH",
        "La Chaux-de-Fonds",
        "https://horlomeca.example",
        "Manufacture de composants horlogers en silicium et par procédé LIGA, Horlomeca achète aussi des "
        "prestations de découpe laser et de métrologie.",
        "watchmaking",
        "both",
        True,
    ),
    CompanyData(
        "arve",
        "Arve Micro-Décolletage",
        "FR",
        "Cluses",
        "https://arve-microdecolletage.example",
        "Décolleteur de micro-pièces de haute précision pour la connectique et le médical, Arve "
        "Micro-Décolletage sous-traite le traitement de surface et le contrôle.",
        "equipment",
        "both",
        True,
    ),
    CompanyData(
        "rhinlaser",
        "Rhein Laser & Oberflächen GmbH",
        "DE",
        "Freiburg im Breisgau",
        "https://rhein-laser.example",
        "Spécialiste du soudage et du traitement de surface par laser, Rhein Laser & Oberflächen travaille "
        "pour les équipementiers automobiles et médicaux de part et d'autre du Rhin.",
        "laser",
        "supplier",
        False,
    ),
)

# A published demo password, the same for every account so that the demo is easy to try.
DEMO_PASSWORD = "Besancon-2020!"  # noqa: S105 - shown on purpose to demo users, not a secret

# In the order `seed_demo` returns them.
ACCOUNTS: tuple[AccountData, ...] = (
    AccountData(
        role="organiser",
        email="organiser@e-micronora.example",
        name="Claire Vuillemin",
        company_key=None,
        company_name="e-Micronora",
        is_organiser=True,
    ),
    AccountData(
        role="exhibitor",
        email="exhibitor@e-micronora.example",
        name="Julien Marchand",
        company_key="lumicron",
    ),
    AccountData(
        role="buyer", email="buyer@e-micronora.example", name="Sophie Girardot", company_key="aviatec"
    ),
    AccountData(
        role="supplier", email="supplier@e-micronora.example", name="Thomas Becker", company_key="rhinlaser"
    ),
    AccountData(
        role="attendee",
        email="attendee@e-micronora.example",
        name="Léa Besson",
        company_key=None,
        company_name="Université de Franche-Comté",
    ),
)
