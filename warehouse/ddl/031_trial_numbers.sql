-- trial_numbers(text): every registry number inside a text, as a list of
-- {id_type, other_id}: CTIS and EudraCT numbers, NCT numbers (spaces and hyphens dropped),
-- WHO Universal Trial Numbers, and the WHO primary registries' ids (REGISTRY; a JPRN- prefix is
-- dropped, so "JPRN-jRCT2080224769" and "jRCT2080224769" agree). Defined once here: the warehouse
-- (stg_trial_keys) and the euctr and ictrp parsers (cgt_atlas/sources/common.py) all use it.
CREATE OR REPLACE MACRO trial_numbers(raw) AS (
    list_concat(
        list_transform(
            regexp_extract_all(raw, '\d{4}-5\d{5}-\d{2}-\d{2}'),
            lambda x: {'id_type': 'CTIS', 'other_id': x}
        ),
        list_transform(
            regexp_extract_all(regexp_replace(raw, '\d{4}-5\d{5}-\d{2}-\d{2}', ' ', 'g'), '\d{4}-\d{6}-\d{2}'),
            lambda x: {'id_type': 'EUDRACT', 'other_id': x}
        ),
        list_transform(
            regexp_extract_all(upper(raw), 'NCT[ -]?\d{8}'),
            lambda x: {'id_type': 'NCT', 'other_id': regexp_replace(x, '[ -]', '', 'g')}
        ),
        list_transform(
            regexp_extract_all(upper(raw), 'U1111-\d{4}-\d{4}'),
            lambda x: {'id_type': 'UTN', 'other_id': x}
        ),
        list_transform(
            regexp_extract_all(
                raw,
                '(?i)(ChiCTR(?:-[A-Z]{2,4}-)?\d{8,10}|jRCT[a-z]?\d{9,10}|UMIN\d{9}|JapicCTI-\d{6}'
                || '|JMA-IIA\d{5}|KCT\d{7}|CTRI/\d{4}/\d{2,3}/\d{5,6}|ACTRN\d{14}|DRKS\d{8}|ISRCTN\d{8}'
                || '|NL-OMON\d+|NTR\d{3,5}|IRCT\d+N\d+|PACTR\d{15,16}|RBR-[0-9a-z]{6,8}|TCTR\d{11}'
                || '|SLCTR/\d{4}/\d{3}|LBCTR\d{10}|PER-\d{3}-\d{2}|RPCEC\d{11}|ITMCTR\d{10,14})'
            ),
            lambda x: {'id_type': 'REGISTRY', 'other_id': x}
        )
    )
);
