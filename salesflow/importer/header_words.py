"""Column headers per language and per exporting tool: what each lead field is called.

Data, not code: one table per language (Outlook's and the spreadsheet templates' words) and one
per tool (CRM, marketing and badge-scanner exports). A key is a lead field, optionally with a rank
("phone 3": a third choice, kept in the notes when a better column has a value) and "alone" (the
field only when no better column exists); or a kind of column: "name" (a full name to split),
"middle" (a middle name), "meta" (an export detail, kept in the notes but never a reason to import
a row; "meta date" holds dates), "skip" (derived from other columns). `headers.ALIASES` is built
from these tables and the English and Dutch catalogue in `headers`.
"""

from __future__ import annotations

Words = dict[str, tuple[str, ...]]

GERMAN: Words = {
    "first_name": ("Vorname", "Rufname"),
    "last_name": ("Nachname", "Familienname", "Zuname"),
    "middle": ("Weitere Vornamen", "Zweiter Vorname"),
    "company": ("Firma", "Unternehmen", "Firmenname", "Betrieb", "Arbeitgeber"),
    "job_title": ("Position", "Funktion", "Berufsbezeichnung", "Stellenbezeichnung"),
    "email": ("E-Mail-Adresse", "E-Mail Adresse", "Mailadresse", "E-Mail (geschäftlich)"),
    "email 2": ("E-Mail 2: Adresse", "E-Mail-Adresse 2", "E-Mail (privat)"),
    "email 3": ("E-Mail 3: Adresse", "E-Mail-Adresse 3"),
    "phone": ("Telefon geschäftlich", "Telefon", "Telefonnummer", "Telefon (geschäftlich)", "Tel."),
    "phone 2": ("Telefon geschäftlich 2", "Haupttelefon (Firma)", "Telefon Firma"),
    "phone 3": ("Telefon privat", "Telefon privat 2", "Weiteres Telefon"),
    "mobile": ("Mobiltelefon", "Handy", "Mobil", "Mobilnummer", "Handynummer"),
    "website": ("Webseite", "Internetseite", "Internetadresse"),
    "city": ("Ort geschäftlich", "Ort", "Wohnort", "Stadt (geschäftlich)"),
    "city 2": ("Ort privat",),
    "city 3": ("Weiterer Ort",),
    "country": ("Land/Region geschäftlich", "Land (geschäftlich)"),
    "country 2": ("Land/Region privat",),
    "country 3": ("Weiteres Land/Region",),
    "source": ("Quelle", "Leadquelle", "Herkunft"),
    "topic": ("Thema", "Interessiert an"),
    "estimated_value": ("Geschätzter Wert", "Wert", "Betrag", "Auftragswert"),
    "notes": ("Notizen", "Bemerkungen", "Bemerkung", "Anmerkungen", "Kommentar", "Kommentare"),
    "meta": ("Anrede", "Priorität", "Vertraulichkeit", "Privat", "Initialen", "Kategorien"),
    "meta date": ("Geburtstag", "Jahrestag", "Erstellt am"),
    "skip": (
        "E-Mail-Typ", "E-Mail: Angezeigter Name", "E-Mail 2: Typ",
        "E-Mail 2: Angezeigter Name", "E-Mail 3: Typ", "E-Mail 3: Angezeigter Name", "Geschlecht",
    ),
}  # fmt: skip

FRENCH: Words = {
    "first_name": ("Prénom",),
    "last_name": ("Nom", "Nom de famille"),
    "middle": ("Deuxième prénom", "Autre prénom"),
    "company": ("Société", "Entreprise", "Raison sociale", "Nom de l'entreprise"),
    "job_title": ("Fonction", "Poste", "Intitulé du poste"),
    "job_title 2 alone": ("Titre",),
    "email": ("Adresse de messagerie", "Adresse e-mail", "Courriel", "Adresse électronique"),
    "email 2": ("Adresse de messagerie 2", "Adresse e-mail 2"),
    "email 3": ("Adresse de messagerie 3", "Adresse e-mail 3"),
    "phone": ("Téléphone (bureau)", "Téléphone", "Tél. bureau", "Téléphone professionnel"),
    "phone 2": ("Téléphone 2 (bureau)", "Téléphone société", "Tél."),
    "phone 3": ("Téléphone (domicile)", "Téléphone 2 (domicile)", "Autre téléphone"),
    "mobile": ("Tél. mobile", "Téléphone mobile", "Portable", "Téléphone portable"),
    "website": ("Page Web", "Site Web", "Site internet"),
    "city": ("Ville (bureau)", "Ville"),
    "city 2": ("Ville (domicile)",),
    "city 3": ("Ville (autre)",),
    "country": ("Pays/Région (bureau)", "Pays", "Pays/Région"),
    "country 2": ("Pays/Région (domicile)",),
    "country 3": ("Pays/Région (autre)",),
    "source": ("Origine", "Source du prospect", "Origine du prospect"),
    "topic": ("Sujet", "Intérêt"),
    "estimated_value": ("Valeur estimée", "Montant", "Montant estimé"),
    "notes": ("Commentaire", "Commentaires", "Remarques", "Remarque"),
    "meta": ("Priorité", "Critère de diffusion", "Catégories", "Civilité"),
    "meta date": ("Anniversaire", "Date de création"),
    "skip": (
        "Type de messagerie", "Nom complet de l'adresse de messagerie", "Type de messagerie 2",
        "Nom complet de l'adresse de messagerie 2", "Sexe",
    ),
}  # fmt: skip

SPANISH: Words = {
    "first_name": ("Nombre", "Nombre de pila"),
    "last_name": ("Apellidos", "Apellido"),
    "middle": ("Segundo nombre",),
    "company": ("Empresa", "Compañía", "Organización", "Nombre de la empresa"),
    "job_title": ("Cargo", "Puesto", "Puesto de trabajo"),
    "job_title 2 alone": ("Título",),
    "email": ("Correo electrónico", "Dirección de correo electrónico", "Correo"),
    "email 2": ("Correo electrónico 2", "Dirección de correo electrónico 2"),
    "email 3": ("Correo electrónico 3", "Dirección de correo electrónico 3"),
    "phone": ("Teléfono", "Teléfono del trabajo", "Teléfono de la oficina", "Teléfono fijo"),
    "phone 3": ("Teléfono particular", "Teléfono de casa", "Otro teléfono"),
    "mobile": ("Móvil", "Teléfono móvil", "Celular", "Teléfono celular"),
    "website": ("Página web", "Sitio web"),
    "city": ("Ciudad", "Ciudad de trabajo", "Localidad", "Población"),
    "city 2": ("Ciudad particular",),
    "country": ("País", "País o región", "País/Región", "País o región del trabajo"),
    "country 2": ("País o región particular",),
    "source": ("Origen", "Fuente", "Origen del cliente potencial"),
    "topic": ("Interés", "Asunto"),
    "estimated_value": ("Valor estimado", "Importe"),
    "notes": ("Notas", "Comentarios", "Observaciones"),
    "meta": ("Prioridad", "Confidencialidad", "Categorías", "Tratamiento"),
    "meta date": ("Cumpleaños", "Fecha de creación"),
    "skip": ("Tipo de correo electrónico", "Mostrar nombre de correo electrónico", "Sexo"),
}  # fmt: skip

# English and Dutch are in `headers`' catalogue; these are what people type into a sheet.
SPREADSHEET: Words = {
    "first_name": ("First", "Christian name"),
    "last_name": ("Last", "Family name(s)"),
    "job_title": ("Job role", "Job position", "Role / Title", "Functieomschrijving"),
    "email": ("E-mail address 1", "Email (work)", "E-mail (werk)", "Emailadres"),
    "phone": ("Tel. (work)", "Phone (work)", "Tel. work", "Telephone number", "Tel. nr."),
    "phone 3": ("Tel. (home)", "Phone (home)"),
    "mobile": ("Mobile no.", "Mobile phone no.", "Mob.", "Mobile (work)", "Tel. (mobile)"),
    "city": ("Town/City", "Town / City", "City/Town"),
    "country": ("Country (work)",),
    "notes": ("Additional notes", "Extra info", "Bijzonderheden"),
}

HUBSPOT: Words = {
    "company 2": ("Associated Company",),
    "website": ("Website URL",),
    "source": ("Original Source",),
    "meta": (
        "Record ID", "Lifecycle Stage", "Lead Status", "Contact owner", "HubSpot Owner",
        "Marketing contact status", "Original Source Drill-Down 1", "Email Domain",
    ),
    "meta date": ("Create Date", "Last Activity Date", "Last Modified Date"),
}  # fmt: skip

SALESFORCE: Words = {
    "company": ("Company / Account", "Company/Account"),
    "city": ("Mailing City",),
    "country": ("Mailing Country",),
    "meta": ("Lead Status", "Rating", "Lead Owner", "Lead ID", "Contact ID", "Account Owner"),
    "meta date": ("Created Date", "Last Modified Date", "Last Activity"),
}

PIPEDRIVE: Words = {
    "name": ("Person - Name",),
    "first_name": ("Person - First name",),
    "last_name": ("Person - Last name",),
    "company": ("Person - Organization",),
    "company 2": ("Organization - Name",),
    "job_title": ("Person - Job title",),
    "email": ("Person - Email", "Person - Email - Work"),
    "email 2": ("Person - Email - Home", "Person - Email - Other"),
    "phone": ("Person - Phone", "Person - Phone - Work"),
    "phone 3": ("Person - Phone - Home", "Person - Phone - Other"),
    "mobile": ("Person - Phone - Mobile",),
    "notes": ("Person - Notes",),
    "meta": ("Person - ID", "Person - Owner", "Person - Open deals", "Person - Closed deals"),
    "meta date": ("Person - Person created", "Person - Update time"),
}

ZOHO: Words = {
    "notes": ("Description",),
    "meta": ("Record Id", "Lead Owner", "Salutation", "Lead Status", "Email Opt Out"),
    "meta date": ("Created Time", "Modified Time", "Last Activity Time"),
}

MAILCHIMP: Words = {
    "meta": ("MEMBER_RATING", "TAGS", "CC", "REGION", "TIMEZONE"),
    "meta date": ("OPTIN_TIME", "CONFIRM_TIME", "LAST_CHANGED"),
    "skip": ("OPTIN_IP", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "LEID", "EUID"),
}

BADGE_SCANNERS: Words = {
    "meta": ("Badge ID", "Badge Number", "Rating", "Device"),
    "meta date": ("Scanned On", "Scan Timestamp", "Captured At"),
}

TABLES: dict[str, Words] = {
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "spreadsheet": SPREADSHEET,
    "hubspot": HUBSPOT,
    "salesforce": SALESFORCE,
    "pipedrive": PIPEDRIVE,
    "zoho": ZOHO,
    "mailchimp": MAILCHIMP,
    "badge scanners": BADGE_SCANNERS,
}
"""Every table, by language or tool (for tests and `headers`)."""
