-- manufacturing_model(modality, cell_source): how a CGT product is made, from the classifier's modality and cell
-- source (docs/manufacturing.md). The one definition trials and approved products share.
--   autologous per-patient  one batch per patient from the patient's own cells (CAR-T, TCR-T, TIL, MSC ...)
--   allogeneic batch        donor, cord blood, cell line or iPSC cells: one batch treats many
--   viral-vector batch      an in vivo gene therapy or oncolytic virus made as a vector batch (AAV, adenovirus, HSV)
--   in vivo CAR             a CAR vector or LNP-mRNA batch given to the patient (no cells made outside the body)
--   non-viral               in vivo non-viral gene transfer or gene editing (plasmid, LNP)
--   tissue-engineered       a tissue-engineered product (cell sheets, chondrocytes, skin), autologous or not
--   unknown                 a cell therapy of unknown source, or an unclassified CGT
-- NULL for 'not CGT'.
CREATE OR REPLACE MACRO manufacturing_model(modality, cell_source) AS CASE
    WHEN modality IS NULL OR modality = 'not CGT' THEN NULL
    WHEN modality = 'tissue-engineered product' THEN 'tissue-engineered'
    WHEN modality = 'in vivo CAR' THEN 'in vivo CAR'
    WHEN cell_source = 'autologous' THEN 'autologous per-patient'
    WHEN cell_source = 'allogeneic' THEN 'allogeneic batch'
    WHEN modality IN ('AAV gene therapy', 'other viral-vector gene therapy', 'oncolytic virus') THEN 'viral-vector batch'
    WHEN modality IN ('non-viral gene therapy', 'gene editing') AND cell_source = 'in vivo' THEN 'non-viral'
    ELSE 'unknown'
END;
CREATE OR REPLACE MACRO is_per_patient_model(model) AS model = 'autologous per-patient';
-- market_of(country_code): the market a site in that country releases to: 'EU' for the EU/EEA member states
-- (one EU marketing authorisation covers them all, so an EU batch-release site supplies the EU market), else
-- the country itself. The codes are the agencies' jurisdictions (seeds/agencies.csv: EU for EMA).
CREATE OR REPLACE MACRO market_of(country_code) AS CASE
    WHEN country_code IN ('AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE',
        'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'IS', 'LI', 'NO') THEN 'EU'
    ELSE country_code
END;
