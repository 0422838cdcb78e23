"""The demo's brokerage event, as data: the companies and people taking part besides the demo accounts, and
the cooperation topics their offers and needs are written from. All fictional, in French as at the 2020 fair;
`brokerage` turns them into profiles, requests and meetings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from emicronora.demo.data import AccountRole

Role = Literal["buyer", "supplier", "both"]


@dataclass(frozen=True)
class Topic:
    """A field of cooperation: what a buyer needs and a supplier offers in it, with the same keywords so that
    suggestions pair them."""

    key: str
    theme: str
    label: str
    keywords: tuple[str, ...]
    need_titles: tuple[str, str]
    need_text: str
    offer_titles: tuple[str, str]
    offer_text: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "soudage",
        "laser",
        "soudage laser",
        ("soudage laser", "hermétique", "titane"),
        ("Partenaire en soudage laser de boîtiers hermétiques", "Soudage laser de boîtiers en titane"),
        "Nous cherchons un sous-traitant capable de souder au laser des boîtiers en titane étanches à "
        "l'hélium, avec un contrôle d'étanchéité documenté.",
        ("Soudage laser de boîtiers hermétiques", "Soudage laser de précision, titane et inox"),
        "Soudage laser par points et en continu de boîtiers étanches à l'hélium, contrôle d'étanchéité et "
        "dossier de validation du procédé.",
    ),
    Topic(
        "marquage",
        "laser",
        "marquage laser",
        ("marquage laser", "UDI", "traçabilité"),
        ("Marquage laser UDI de nos pièces", "Traçabilité par marquage laser Data Matrix"),
        "Nous devons marquer durablement un identifiant unique (UDI, Data Matrix) sur des pièces "
        "métalliques qui passent en stérilisation ou en traitement de surface.",
        ("Marquage laser UDI résistant à la stérilisation", "Marquage laser Data Matrix et UDI"),
        "Marquage sous la surface ou par recuit, sans altérer la résistance à la corrosion ; lecture des "
        "codes vérifiée à 100 %.",
    ),
    Topic(
        "decoupe",
        "laser",
        "découpe laser",
        ("découpe laser", "tubes", "tôles fines"),
        ("Découpe laser de tubes et de tôles fines", "Capacité de découpe laser de précision"),
        "Nous cherchons une capacité de découpe laser de précision pour des tubes de petit diamètre et des "
        "tôles de 0,1 à 1 mm, du prototype à la série.",
        ("Découpe laser de tubes et de tôles fines", "Découpe laser femtoseconde sans bavure"),
        "Découpe de tubes dès 0,3 mm de diamètre et de tôles fines, sans bavure, avec une saignée de 20 µm.",
    ),
    Topic(
        "texturation",
        "laser",
        "texturation laser",
        ("texturation laser", "femtoseconde", "fonctionnalisation de surface"),
        ("Texturation laser de surfaces fonctionnelles", "Réduire le frottement par texturation laser"),
        "Nous voulons réduire le frottement et améliorer l'adhérence de revêtements par une texturation "
        "laser de surfaces fonctionnelles.",
        ("Texturation laser femtoseconde", "Fonctionnalisation de surface par laser"),
        "Textures micro- et nanométriques pour la mouillabilité, le frottement ou l'adhérence, sur métaux, "
        "céramiques et polymères.",
    ),
    Topic(
        "percage",
        "laser",
        "perçage laser",
        ("perçage laser", "micro-perçage", "trous calibrés"),
        ("Micro-perçage laser de trous calibrés", "Perçage laser dans les superalliages"),
        "Nous cherchons un spécialiste du perçage laser de trous de 20 à 200 µm, cylindriques ou coniques, "
        "dans des pièces en superalliage.",
        ("Perçage laser de trous calibrés de 20 à 200 µm", "Micro-perçage laser par trépanation"),
        "Perçage par percussion et par trépanation, conicité maîtrisée, dans les superalliages, les "
        "céramiques et les polymères.",
    ),
    Topic(
        "tridim",
        "metrology",
        "métrologie dimensionnelle",
        ("métrologie dimensionnelle", "micro-pièces", "MMT"),
        ("Contrôle dimensionnel de micro-pièces", "Laboratoire de mesure pour nos micro-pièces"),
        "Nous cherchons un laboratoire capable de mesurer des micro-pièces avec une incertitude inférieure "
        "au micromètre et de fournir des rapports conformes à nos plans.",
        ("Mesure tridimensionnelle de micro-pièces", "Métrologie dimensionnelle sub-micrométrique"),
        "Machines à mesurer tridimensionnelles à palpeur et optiques, incertitude sub-micrométrique, "
        "rapports de mesure automatiques.",
    ),
    Topic(
        "tomographie",
        "metrology",
        "tomographie",
        ("tomographie", "contrôle non destructif", "rayons X"),
        ("Tomographie à rayons X de pièces assemblées", "Contrôle non destructif de nos assemblages"),
        "Nous voulons contrôler sans démontage des assemblages et des pièces injectées : porosités, position "
        "des composants, comparaison au modèle CAO.",
        ("Tomographie à rayons X et comparaison CAO", "Contrôle non destructif par tomographie"),
        "Contrôle non destructif des pièces et des assemblages, analyse des porosités et cartographie des "
        "écarts au modèle CAO.",
    ),
    Topic(
        "vision",
        "metrology",
        "inspection optique",
        ("inspection optique", "vision industrielle", "contrôle en ligne"),
        ("Inspection optique en ligne de petites pièces", "Automatiser notre contrôle visuel"),
        "Nous souhaitons automatiser le contrôle visuel en sortie de ligne pour détecter rayures, bavures et "
        "défauts d'aspect à la cadence de production.",
        ("Systèmes d'inspection optique en ligne", "Vision industrielle pour le contrôle à 100 %"),
        "Cellules de vision industrielle qui contrôlent toutes les pièces en ligne et apprennent les défauts "
        "à partir d'exemples.",
    ),
    Topic(
        "etalonnage",
        "metrology",
        "étalonnage",
        ("étalonnage", "accréditation", "instruments de mesure"),
        ("Étalonnage accrédité de nos instruments", "Étalonnage sur site de nos moyens de contrôle"),
        "Nous cherchons un laboratoire accrédité pour étalonner nos instruments de mesure sur site, sans "
        "immobiliser la production plus d'une journée.",
        ("Étalonnage accrédité sur site", "Étalonnage de machines à mesurer et de bancs de contrôle"),
        "Étalonnage des instruments de mesure dimensionnelle, des machines à mesurer et des bancs de "
        "contrôle, sur site ou dans notre laboratoire accrédité.",
    ),
    Topic(
        "surface",
        "metrology",
        "états de surface",
        ("rugosité", "état de surface", "profilométrie"),
        ("Caractérisation d'états de surface", "Mesures de rugosité de surfaces polies"),
        "Nous avons besoin de mesures de rugosité et de profilométrie 3D pour qualifier des surfaces polies "
        "et texturées.",
        ("Mesure de rugosité et profilométrie 3D", "Caractérisation d'états de surface"),
        "Mesures d'état de surface avec et sans contact, interférométrie, rapports selon les normes ISO.",
    ),
    Topic(
        "microusinage",
        "micro-nano",
        "micro-usinage",
        ("micro-usinage", "titane", "tolérances serrées"),
        ("Sous-traitant en micro-usinage de pièces en titane", "Micro-pièces usinées à ±2 µm"),
        "Nous cherchons un partenaire capable d'usiner des micro-pièces en titane et en inox avec des "
        "tolérances de ±2 µm, en petites et moyennes séries.",
        ("Micro-usinage de pièces en titane à ±2 µm", "Micro-fraisage et micro-tournage de précision"),
        "Fraisage et tournage de micro-pièces en titane, en inox et en alliages précieux, tolérances de "
        "±2 µm, du prototype à la série.",
    ),
    Topic(
        "microfluidique",
        "micro-nano",
        "microfluidique",
        ("microfluidique", "polymère", "diagnostic"),
        ("Développement de puces microfluidiques", "Industrialiser une cartouche microfluidique"),
        "Nous cherchons un partenaire pour concevoir et industrialiser des puces microfluidiques en "
        "polymère pour un dispositif de diagnostic.",
        ("Puces microfluidiques en polymère", "Conception et industrialisation de puces microfluidiques"),
        "Conception, prototypage rapide et production de puces microfluidiques en polymère, collage et "
        "traitement de surface compris.",
    ),
    Topic(
        "couches",
        "micro-nano",
        "couches minces",
        ("couches minces", "revêtement", "PVD"),
        ("Revêtements en couches minces fonctionnelles", "Revêtement PVD de petites pièces"),
        "Nous cherchons des revêtements durs, biocompatibles ou conducteurs déposés en couches minces sur "
        "des pièces de petite taille.",
        ("Dépôt de couches minces PVD et ALD", "Revêtements fonctionnels en couches minces"),
        "Dépôts PVD et ALD de quelques nanomètres à quelques micromètres : revêtements durs, optiques, "
        "conducteurs ou biocompatibles.",
    ),
    Topic(
        "mems",
        "micro-nano",
        "MEMS",
        ("MEMS", "capteurs", "silicium"),
        ("Capteurs MEMS sur mesure", "Un partenaire pour nos capteurs MEMS"),
        "Nous voulons intégrer des capteurs de pression et d'inertie MEMS conçus pour notre application, en "
        "volumes moyens.",
        ("Conception et fonderie de MEMS sur silicium", "Capteurs MEMS sur mesure"),
        "Conception, fabrication en salle blanche et mise en boîtier de capteurs MEMS sur silicium, du "
        "démonstrateur à la série.",
    ),
    Topic(
        "microinjection",
        "micro-nano",
        "micro-injection",
        ("micro-injection", "plastique", "petites séries"),
        ("Micro-injection de pièces plastiques de précision", "Sous-traitant en micro-injection"),
        "Nous cherchons un sous-traitant en micro-injection de pièces plastiques de moins d'un gramme, "
        "avec des détails de quelques dizaines de micromètres.",
        ("Micro-injection plastique de précision", "Micro-injection de petites séries"),
        "Micro-injection de pièces de moins d'un gramme en polymères techniques, moules réalisés en "
        "interne, salle propre ISO 7.",
    ),
)
TOPIC_BY_KEY = {topic.key: topic for topic in TOPICS}

# What buyers of each sector look for, in the cooperation topics.
SECTOR_NEEDS: dict[str, tuple[str, ...]] = {
    "aeronautics": ("soudage", "percage", "tridim", "tomographie", "couches", "microusinage", "texturation"),
    "automotive": ("decoupe", "texturation", "vision", "tridim", "mems", "microinjection", "marquage"),
    "health": ("soudage", "marquage", "decoupe", "tomographie", "surface", "microusinage", "microfluidique"),
    "equipment": ("decoupe", "vision", "etalonnage", "tridim", "mems", "texturation"),
    "watchmaking": ("marquage", "surface", "tridim", "texturation", "decoupe"),
}
# The markets a supplier may serve.
SUPPLIER_SECTORS = ("aeronautics", "automotive", "health", "equipment", "watchmaking", "space", "electronics")

BUYER_INTROS = {
    "aeronautics": "Équipementier aéronautique",
    "automotive": "Fournisseur automobile",
    "health": "Fabricant de dispositifs médicaux",
    "equipment": "Constructeur de machines",
    "watchmaking": "Manufacture horlogère",
}

OFFER_EXTRAS = (
    "Délais courts pour les prototypes.",
    "Certifiés ISO 9001 et ISO 13485.",
    "Capacité disponible dès le prochain trimestre.",
    "Nous accompagnons nos clients de la conception à l'industrialisation.",
    "Essais sur vos pièces possibles avant toute commande.",
)
NEED_EXTRAS = (
    "Volumes : quelques milliers de pièces par an.",
    "Premier lot attendu d'ici six mois.",
    "Un audit fournisseur est prévu avant la première commande.",
    "Cahier des charges disponible sur demande.",
    "Projet financé, démarrage souhaité cette année.",
)
MESSAGES = (
    "Bonjour, votre profil « {title} » correspond exactement à un projet en cours chez nous. "
    "Pourrions-nous en parler lors d'un rendez-vous ?",
    "Bonjour, nous aimerions vous présenter notre besoin et comprendre vos capacités. "
    "Un rendez-vous de vingt minutes vous conviendrait-il ?",
    "Bonjour, « {title} » nous intéresse. Nous serions ravis d'échanger avec vous pendant e-Micronora.",
    "Guten Tag, « {title} » passt gut zu unserem Vorhaben. Un échange en français ou en anglais nous "
    "convient.",
    "Bonjour, nous cherchons un partenaire sur ce sujet pour l'an prochain. Seriez-vous disponible ?",
)


CLOSINGS = {
    "buyer": "Nous rencontrons des fournisseurs capables de nous suivre du prototype à la série.",
    "supplier": "Nous venons à e-Micronora rencontrer des donneurs d'ordre de l'aéronautique, de "
    "l'automobile, du médical et des biens d'équipement.",
    "both": "Nous venons à e-Micronora trouver des fournisseurs autant que des clients.",
}


@dataclass(frozen=True)
class DemoItem:
    topic: str
    kind: str
    title: str
    description: str
    themes: tuple[str, ...]
    sectors: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DemoProfile:
    """The B2B profile of a demo account (by its role in `data.ACCOUNTS`)."""

    account_role: AccountRole
    headline: str
    # A paragraph after the company's description.
    more: str
    items: tuple[DemoItem, ...]


# The demo buyer's and supplier's items share these keywords, so that each is the other's best suggestion.
DEMO_KEYWORDS = ("soudage laser", "hermétique", "Inconel", "capteurs embarqués", "étanchéité hélium")
DEMO_PROFILES = (
    DemoProfile(
        "buyer",
        "Équipementier aéronautique de rang 1 : soudage laser hermétique et contrôle de nos capteurs "
        "embarqués",
        "Nous préparons la prochaine génération de capteurs de pression embarqués et cherchons des "
        "partenaires pour l'assemblage et le contrôle.",
        (
            DemoItem(
                "soudage",
                "need",
                "Soudage laser hermétique de boîtiers de capteurs en Inconel",
                "Nos capteurs de pression embarqués ont des boîtiers en Inconel 718 et en titane qui doivent "
                "rester étanches à l'hélium (10⁻⁹ mbar·l/s). Nous cherchons un partenaire de soudage laser "
                "qualifié EN 9100 pour 3 000 boîtiers par an.",
                ("laser",),
                ("aeronautics", "space"),
                DEMO_KEYWORDS,
            ),
            DemoItem(
                "tomographie",
                "need",
                "Contrôle par tomographie des assemblages de capteurs",
                "Contrôler sans démontage la position des membranes et les cordons de soudure de nos "
                "capteurs, avec un rapport par lot.",
                ("metrology",),
                ("aeronautics",),
                ("tomographie", "contrôle non destructif", "rayons X"),
            ),
        ),
    ),
    DemoProfile(
        "supplier",
        "Soudage et traitement de surface par laser pour l'aéronautique, l'automobile et le médical",
        "Deux sites de production, à Fribourg-en-Brisgau et à Mulhouse, et une équipe qui parle français, "
        "allemand et anglais.",
        (
            DemoItem(
                "soudage",
                "offer",
                "Soudage laser hermétique de boîtiers de capteurs (titane, Inconel)",
                "Soudage laser de boîtiers de capteurs et de connecteurs étanches, contrôle d'étanchéité à "
                "l'hélium jusqu'à 10⁻⁹ mbar·l/s, procédés qualifiés EN 9100 et ISO 13485, de la pré-série à "
                "10 000 pièces par an.",
                ("laser",),
                ("aeronautics", "space", "health"),
                DEMO_KEYWORDS,
            ),
            DemoItem(
                "texturation",
                "offer",
                "Texturation et nettoyage laser de surfaces avant collage",
                "Préparation laser des surfaces métalliques avant collage ou peinture : meilleure adhérence, "
                "sans produit chimique.",
                ("laser",),
                ("automotive", "aeronautics"),
                ("texturation laser", "fonctionnalisation de surface", "collage"),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class GeneratedCompany:
    name: str
    country: str
    city: str
    sector: str
    role: Role
    # Suppliers and "both": the theme of their offers. Buyers: "".
    theme: str
    # What the company does, after its name: "conçoit ...".
    activity: str
    # Suppliers and "both": the profile's headline. Buyers get one from their needs.
    headline: str = ""


def _buyer(name: str, country: str, city: str, sector: str, activity: str) -> GeneratedCompany:
    return GeneratedCompany(name, country, city, sector, "buyer", "", activity)


def _supplier(
    name: str, country: str, city: str, theme: str, activity: str, headline: str
) -> GeneratedCompany:
    return GeneratedCompany(name, country, city, theme, "supplier", theme, activity, headline)


def _both(
    name: str, country: str, city: str, sector: str, theme: str, activity: str, headline: str
) -> GeneratedCompany:
    return GeneratedCompany(name, country, city, sector, "both", theme, activity, headline)


COMPANIES: tuple[GeneratedCompany, ...] = (
    # Buyers: aeronautics.
    _buyer(
        "Aérojura Systèmes",
        "FR",
        "Besançon",
        "aeronautics",
        "conçoit des capteurs de pression et des connecteurs pour moteurs d'avion",
    ),
    _buyer(
        "Stratéon Aerospace",
        "FR",
        "Toulouse",
        "aeronautics",
        "fabrique des sous-ensembles de structures et des équipements de cabine",
    ),
    _buyer(
        "Hélivolt Composants",
        "FR",
        "Bordeaux",
        "aeronautics",
        "produit des pièces de transmission et de rotor pour hélicoptères",
    ),
    _buyer(
        "Luftwerk Präzisionsteile GmbH",
        "DE",
        "München",
        "aeronautics",
        "usine des pièces de turbines et des injecteurs de carburant",
    ),
    _buyer(
        "Avionord Équipements",
        "FR",
        "Méaulte",
        "aeronautics",
        "assemble des équipements de commandes de vol et des actionneurs",
    ),
    _buyer(
        "Skylum Avionics SA",
        "CH",
        "Genève",
        "aeronautics",
        "développe des calculateurs et des capteurs inertiels embarqués",
    ),
    _buyer(
        "Orbitec Space Structures",
        "FR",
        "Cannes",
        "aeronautics",
        "réalise des mécanismes et des structures légères pour satellites",
    ),
    # Buyers: automotive.
    _buyer(
        "Montbé Injection Systems",
        "FR",
        "Montbéliard",
        "automotive",
        "fabrique des systèmes d'injection et des buses pour moteurs thermiques et hybrides",
    ),
    _buyer(
        "Sochaux Capteurs Automobiles",
        "FR",
        "Audincourt",
        "automotive",
        "produit des capteurs de position et de température pour les constructeurs",
    ),
    _buyer(
        "Rheintal Fahrzeugtechnik GmbH",
        "DE",
        "Karlsruhe",
        "automotive",
        "développe des composants de freinage et de direction",
    ),
    _buyer(
        "Belfort Mobilité Électrique",
        "FR",
        "Belfort",
        "automotive",
        "conçoit des modules de batteries et d'électronique de puissance",
    ),
    _buyer(
        "Neckar Sensorik GmbH", "DE", "Stuttgart", "automotive", "fabrique des capteurs d'aide à la conduite"
    ),
    _buyer(
        "Vosges Connectique Auto",
        "FR",
        "Saint-Dié-des-Vosges",
        "automotive",
        "produit des connecteurs et des faisceaux pour l'habitacle",
    ),
    _buyer(
        "Alsace Freinage Technologies",
        "FR",
        "Mulhouse",
        "automotive",
        "fabrique des étriers et des capteurs d'usure de freins",
    ),
    # Buyers: health.
    _buyer(
        "Medidoubs Instruments",
        "FR",
        "Besançon",
        "health",
        "fabrique des instruments de chirurgie mini-invasive",
    ),
    _buyer(
        "Tuttlinger Chirurgie-Instrumente GmbH",
        "DE",
        "Tuttlingen",
        "health",
        "produit des instruments chirurgicaux et des implants dentaires",
    ),
    _buyer(
        "Cardiolys Implants SA",
        "CH",
        "Lausanne",
        "health",
        "conçoit des implants cardiaques actifs et leurs électrodes",
    ),
    _buyer(
        "Ophtalmia Dispositifs",
        "FR",
        "Lyon",
        "health",
        "développe des implants intraoculaires et des instruments d'ophtalmologie",
    ),
    _buyer(
        "DentAlpes Technologies",
        "FR",
        "Grenoble",
        "health",
        "fabrique des implants et des piliers dentaires en titane",
    ),
    _buyer(
        "Audiomed Suisse SA",
        "CH",
        "Bienne",
        "health",
        "conçoit des aides auditives et des implants cochléaires",
    ),
    _buyer(
        "Orthopôle Franche-Comté",
        "FR",
        "Dole",
        "health",
        "produit des implants rachidiens et des ancillaires",
    ),
    # Buyers: equipment makers.
    _buyer(
        "Comtoise de Machines Spéciales",
        "FR",
        "Morteau",
        "equipment",
        "construit des machines spéciales d'assemblage pour l'horlogerie et le médical",
    ),
    _buyer(
        "Jenaer Anlagenbau GmbH",
        "DE",
        "Jena",
        "equipment",
        "construit des lignes de production pour l'optique de précision",
    ),
    _buyer(
        "Robomeca Automation",
        "FR",
        "Annecy",
        "equipment",
        "intègre des cellules robotisées de décolletage et de contrôle",
    ),
    _buyer(
        "Précimat Machines-Outils SA",
        "CH",
        "Delémont",
        "equipment",
        "construit des centres d'usinage de haute précision",
    ),
    _buyer(
        "Pforzheimer Automationstechnik GmbH",
        "DE",
        "Pforzheim",
        "equipment",
        "conçoit des postes automatiques de marquage et d'assemblage",
    ),
    # Suppliers: laser processes.
    _supplier(
        "Femtolase",
        "FR",
        "Besançon",
        "laser",
        "usine par laser femtoseconde des pièces pour le médical et l'horlogerie",
        "Micro-usinage laser femtoseconde sans zone affectée thermiquement",
    ),
    _supplier(
        "Lasergravure du Jura",
        "FR",
        "Morez",
        "laser",
        "marque et grave au laser des pièces métalliques et plastiques",
        "Marquage et gravure laser de la pièce unique à la grande série",
    ),
    _supplier(
        "Photonwerk Jena GmbH",
        "DE",
        "Jena",
        "laser",
        "développe des procédés laser à impulsions ultracourtes",
        "Procédés laser ultracourts, de l'essai à la production",
    ),
    _supplier(
        "Lasertec Romandie SA",
        "CH",
        "Yverdon-les-Bains",
        "laser",
        "découpe et soude au laser des composants horlogers et médicaux",
        "Découpe et soudage laser de précision en Suisse romande",
    ),
    _supplier(
        "Soudure Laser Précision",
        "FR",
        "Saint-Étienne",
        "laser",
        "soude au laser des boîtiers, des capteurs et des tubes",
        "Soudage laser de boîtiers et de capteurs étanches",
    ),
    _supplier(
        "Aquitaine Laser Microtech",
        "FR",
        "Pessac",
        "laser",
        "perce et découpe au laser des pièces aéronautiques",
        "Perçage et découpe laser pour l'aéronautique",
    ),
    _supplier(
        "Laserschweiß Technik Freiburg GmbH",
        "DE",
        "Freiburg im Breisgau",
        "laser",
        "soude au laser des assemblages pour l'automobile et le médical",
        "Soudage laser automatisé en série",
    ),
    _supplier(
        "Marquage Laser Alpin",
        "FR",
        "Cluses",
        "laser",
        "marque au laser des pièces décolletées et des implants",
        "Marquage laser UDI et traçabilité des pièces",
    ),
    _supplier(
        "Ultrafast Surfaces SA",
        "CH",
        "Neuchâtel",
        "laser",
        "texture des surfaces au laser femtoseconde",
        "Texturation laser de surfaces fonctionnelles",
    ),
    _supplier(
        "Découpe Laser de l'Est",
        "FR",
        "Nancy",
        "laser",
        "découpe au laser des tôles fines et des tubes",
        "Découpe laser de tubes et de tôles fines",
    ),
    # Suppliers: metrology.
    _supplier(
        "Métrolab Besançon",
        "FR",
        "Besançon",
        "metrology",
        "mesure des micro-pièces dans son laboratoire accrédité",
        "Laboratoire de métrologie dimensionnelle accrédité",
    ),
    _supplier(
        "Tomovision Contrôle",
        "FR",
        "Lyon",
        "metrology",
        "contrôle des pièces par tomographie à rayons X",
        "Tomographie industrielle et contrôle non destructif",
    ),
    _supplier(
        "Messtechnik Aachen GmbH",
        "DE",
        "Aachen",
        "metrology",
        "développe des capteurs optiques de mesure sans contact",
        "Mesure optique sans contact pour la production",
    ),
    _supplier(
        "Précimesure SA",
        "CH",
        "Le Locle",
        "metrology",
        "mesure et étalonne pour l'horlogerie et les microtechniques",
        "Métrologie des microtechniques et étalonnage",
    ),
    _supplier(
        "Optical Inspection Jura",
        "FR",
        "Pontarlier",
        "metrology",
        "conçoit des machines d'inspection optique en ligne",
        "Inspection optique automatique en sortie de ligne",
    ),
    _supplier(
        "Étalonnage Rhône-Alpes",
        "FR",
        "Grenoble",
        "metrology",
        "étalonne les instruments de mesure sur site",
        "Étalonnage accrédité sur site en 24 heures",
    ),
    _supplier(
        "Rugotest Surfaces",
        "FR",
        "Dijon",
        "metrology",
        "caractérise les états de surface",
        "Rugosité, profilométrie et états de surface",
    ),
    _supplier(
        "Koordinaten Messdienst GmbH",
        "DE",
        "Stuttgart",
        "metrology",
        "mesure en sous-traitance sur machines tridimensionnelles",
        "Prestations de mesure tridimensionnelle",
    ),
    _supplier(
        "Visiométrie Industrielle",
        "FR",
        "Toulouse",
        "metrology",
        "développe des logiciels de vision pour le contrôle qualité",
        "Vision industrielle et contrôle qualité automatisé",
    ),
    _supplier(
        "Micromesure Horlogère SA",
        "CH",
        "La Chaux-de-Fonds",
        "metrology",
        "mesure les composants horlogers et médicaux",
        "Mesure de micro-composants au micromètre près",
    ),
    # Suppliers: micro- and nanotechnologies.
    _supplier(
        "Microdécolletage Comtois",
        "FR",
        "Morteau",
        "micro-nano",
        "décollette et usine des micro-pièces en titane et en inox",
        "Micro-décolletage et micro-usinage à ±2 µm",
    ),
    _supplier(
        "Nanosurf Coatings",
        "FR",
        "Grenoble",
        "micro-nano",
        "dépose des couches minces fonctionnelles",
        "Revêtements PVD et ALD en couches minces",
    ),
    _supplier(
        "MEMS Foundry Neuchâtel SA",
        "CH",
        "Neuchâtel",
        "micro-nano",
        "conçoit et fabrique des MEMS en salle blanche",
        "Fonderie MEMS, du démonstrateur à la série",
    ),
    _supplier(
        "Fluidichip",
        "FR",
        "Besançon",
        "micro-nano",
        "conçoit et produit des puces microfluidiques",
        "Puces microfluidiques pour le diagnostic",
    ),
    _supplier(
        "Mikroform GmbH",
        "DE",
        "Karlsruhe",
        "micro-nano",
        "réplique des microstructures par moulage et micro-injection",
        "Microstructures répliquées en polymère",
    ),
    _supplier(
        "Microinjection Plastiques du Jura",
        "FR",
        "Oyonnax",
        "micro-nano",
        "micro-injecte des pièces plastiques de précision",
        "Micro-injection plastique en salle propre",
    ),
    _supplier(
        "Couches Minces Techniques",
        "FR",
        "Limoges",
        "micro-nano",
        "revêt des pièces de petite taille en couches minces",
        "Couches minces dures et biocompatibles",
    ),
    _supplier(
        "Mikrosystemtechnik Dresden GmbH",
        "DE",
        "Dresden",
        "micro-nano",
        "développe des capteurs MEMS et leur mise en boîtier",
        "Capteurs MEMS sur mesure et mise en boîtier",
    ),
    _supplier(
        "Usinage Micro-Précision Savoie",
        "FR",
        "Cluses",
        "micro-nano",
        "usine des micro-pièces pour la connectique et le médical",
        "Micro-usinage de pièces médicales et de connectique",
    ),
    _supplier(
        "Silicium Horloger SA",
        "CH",
        "Bienne",
        "micro-nano",
        "grave des composants en silicium pour l'horlogerie et les capteurs",
        "Composants en silicium gravés, horlogerie et capteurs",
    ),
    # Buyers and suppliers.
    _both(
        "Horlogerie Comtoise Composants",
        "FR",
        "Besançon",
        "watchmaking",
        "micro-nano",
        "fabrique des composants horlogers et usine des micro-pièces pour d'autres industries",
        "Composants horlogers ; nous cherchons marquage laser et métrologie",
    ),
    _both(
        "Medtech Micro-Assemblage SA",
        "CH",
        "Neuchâtel",
        "health",
        "micro-nano",
        "assemble des microsystèmes médicaux et cherche des procédés laser",
        "Assemblage de microsystèmes médicaux en salle propre",
    ),
    _both(
        "Optronique du Doubs",
        "FR",
        "Besançon",
        "equipment",
        "laser",
        "intègre des sources laser dans des machines de production",
        "Intégrateur de machines laser, à la recherche de métrologie en ligne",
    ),
    _both(
        "Schwarzwald Feinwerktechnik GmbH",
        "DE",
        "Villingen-Schwenningen",
        "equipment",
        "metrology",
        "construit des bancs de contrôle et sous-traite des pièces de précision",
        "Bancs de contrôle sur mesure et mécanique de précision",
    ),
)

FIRST_NAMES = {
    "FR": (
        "Camille",
        "Nicolas",
        "Julie",
        "Mathieu",
        "Élodie",
        "Antoine",
        "Céline",
        "Pierre",
        "Aurélie",
        "Sébastien",
        "Marion",
        "Vincent",
        "Laure",
        "Guillaume",
        "Sandrine",
        "Olivier",
        "Hélène",
        "Jérôme",
        "Anne",
        "Benoît",
        "Émilie",
        "François",
        "Agnès",
        "Romain",
    ),
    "CH": ("Luca", "Nadine", "Yannick", "Corinne", "Reto", "Fabienne", "Marc", "Sarah", "Damien", "Ursula"),
    "DE": ("Markus", "Katrin", "Stefan", "Anja", "Jörg", "Sabine", "Tobias", "Julia", "Andreas", "Claudia"),
}
LAST_NAMES = {
    "FR": (
        "Grosjean",
        "Bourgeois",
        "Cuenot",
        "Jeanningros",
        "Vernier",
        "Pourchet",
        "Boillot",
        "Chevalier",
        "Marguet",
        "Tissot",
        "Droz",
        "Girard",
        "Perrin",
        "Mougin",
        "Cattin",
        "Roussel",
        "Lhomme",
        "Bailly",
        "Bouveret",
        "Jacquot",
        "Monnot",
        "Guyon",
    ),
    "CH": ("Jaquet", "Perret", "Matthey", "Huguenin", "Ducommun", "Rochat", "Favre", "Brändli", "Monnier"),
    "DE": ("Schmid", "Weber", "Fischer", "Hoffmann", "Wagner", "Braun", "Zimmermann", "Krüger", "Hartmann"),
}
