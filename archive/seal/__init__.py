"""Seals and signatures: draw the office seal, stamp it (also as 骑缝章), sign, check PDF/A.

Pipeline for a sealed paper or dossier::

    SealSpec ──draw_seal──▶ seal.pdf (+ .png)            (or register_scanned_seal(scan.png))
    paper.pdf ──locate_seal_position──▶ centre ──stamp_seal──▶ sealed.pdf
    dossier.pdf ──stamp_dossier (cover + 骑缝章)──▶ sealed.pdf
    sealed.pdf ──set_archival_metadata──▶ ──sign_pdf (last)──▶ signed.pdf ──verify_pdf──▶ report
"""
